package dev.haven.api.checkpoint;

import java.util.Objects;
import java.util.Optional;

/**
 * How to restart.
 *
 * @param node the target node; the image's source node when empty
 * @param name restore under this name instead of the image's
 * @param progress told of bytes read
 */
public record RestartOptions(Optional<String> node, Optional<String> name, ProgressListener progress) {
    public RestartOptions {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(progress, "progress");
    }

    public static RestartOptions defaults() {
        return new RestartOptions(Optional.empty(), Optional.empty(), ProgressListener.NONE);
    }
}
