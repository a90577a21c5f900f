package dev.haven.api.checkpoint;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to checkpoint.
 *
 * @param directory write the image into this directory instead of the image store
 * @param stop stop the partition after the image is committed instead of thawing it
 * @param attributes facts recorded in the image header, such as {@code kind=consistency}
 * @param progress told of bytes written
 */
public record CheckpointOptions(Optional<Path> directory, boolean stop, Map<String, String> attributes,
        ProgressListener progress) {
    public CheckpointOptions {
        Objects.requireNonNull(directory, "directory");
        attributes = Map.copyOf(attributes);
        Objects.requireNonNull(progress, "progress");
    }

    /** Into the store, thaw afterwards, no attributes, no progress. */
    public static CheckpointOptions defaults() {
        return new CheckpointOptions(Optional.empty(), false, Map.of(), ProgressListener.NONE);
    }
}
