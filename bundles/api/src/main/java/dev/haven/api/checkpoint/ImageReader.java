package dev.haven.api.checkpoint;

import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;

/** Reads a verified image's sections. */
@ProviderType
public interface ImageReader extends AutoCloseable {

    ImageInfo info();

    /**
     * Opens a section for reading; its checksum is checked again as it is read.
     *
     * @throws ImageException NOT_FOUND if the image has no such section
     */
    SectionInput section(String name) throws IOException;

    @Override
    void close() throws IOException;
}
