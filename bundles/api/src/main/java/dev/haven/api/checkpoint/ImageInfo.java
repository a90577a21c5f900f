package dev.haven.api.checkpoint;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A committed image.
 *
 * @param id its id in the store, {@code <partition>-<UTC timestamp>}
 * @param path its file
 * @param header its header
 * @param sections its sections in file order
 * @param size the file's size in bytes
 */
public record ImageInfo(String id, Path path, ImageHeader header, List<SectionInfo> sections, long size) {
    public ImageInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(header, "header");
        sections = List.copyOf(sections);
    }
}
