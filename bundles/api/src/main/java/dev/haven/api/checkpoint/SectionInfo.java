package dev.haven.api.checkpoint;

import java.util.Objects;

/**
 * One section of an image, as its table of contents lists it.
 *
 * @param name the participant's section name
 * @param version the section format version
 * @param offset where its data starts in the image file
 * @param length its data's length in bytes
 * @param crc32c the CRC32C of its data
 */
public record SectionInfo(String name, int version, long offset, long length, int crc32c) {
    public SectionInfo {
        Objects.requireNonNull(name, "name");
    }
}
