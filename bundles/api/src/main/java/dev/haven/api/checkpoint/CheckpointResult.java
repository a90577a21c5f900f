package dev.haven.api.checkpoint;

import java.time.Duration;
import java.util.Objects;

/**
 * A committed checkpoint.
 *
 * @param image the image written
 * @param freezeTime from the freeze to the thaw (or the stop): how long the partition's processes were held
 * @param totalTime the whole operation
 */
public record CheckpointResult(ImageInfo image, Duration freezeTime, Duration totalTime) {
    public CheckpointResult {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(freezeTime, "freezeTime");
        Objects.requireNonNull(totalTime, "totalTime");
    }
}
