package dev.haven.api.checkpoint;

import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Writes one image, section by section, to a temporary file; nothing is visible in the store until
 * {@link #commit()}. Closing an uncommitted writer deletes the temporary file.
 */
@ProviderType
public interface ImageWriter extends AutoCloseable {

    /** Starts the next section; the previous one, if any, is ended. */
    SectionOutput section(String name, int version) throws IOException;

    /**
     * Ends the last section, writes the table of contents, fsyncs, renames into place and fsyncs the
     * directory. Either the whole image is in the store afterwards, or (on exception) none of it.
     */
    ImageInfo commit() throws IOException;

    /** Bytes written so far, for progress. */
    long written();

    @Override
    void close() throws IOException;
}
