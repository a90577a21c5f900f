package dev.haven.api.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where images live: a local directory ({@code haven.home/images}) by default, a shared directory
 * for clusters. Images are referred to by id or by file path. Keeps the newest {@code keep} images
 * of each partition (configurable) and removes older ones on commit.
 */
@ProviderType
public interface ImageStore {

    /** Starts a new image of a partition in the store. */
    ImageWriter create(ImageHeader header) throws IOException;

    /**
     * Starts a new image in a directory outside the store ({@code partition:checkpoint -d DIR}): committed
     * the same way, named the same way, but neither listed nor pruned by the store. It is created if missing.
     */
    ImageWriter create(ImageHeader header, Path directory) throws IOException;

    /** The images of one partition, or of all when empty; newest first. */
    List<ImageInfo> list(Optional<String> partition) throws IOException;

    /** The newest image of a partition, if any. */
    Optional<ImageInfo> latest(String partition) throws IOException;

    /**
     * Reads an image's header and table of contents, checking their own checksums but not the sections'.
     *
     * @param ref an image id or a path to an image file
     */
    ImageInfo inspect(String ref) throws IOException;

    /** Checks everything: header, table of contents and the checksum of every section. */
    ImageInfo verify(String ref) throws IOException;

    /** Verifies an image whole, then opens it for reading. */
    ImageReader open(String ref) throws IOException;

    /** Deletes an image of the store. */
    void remove(String ref) throws IOException;
}
