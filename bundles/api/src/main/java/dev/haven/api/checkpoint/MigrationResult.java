package dev.haven.api.checkpoint;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A completed move.
 *
 * @param partition the partition moved
 * @param from the node it left
 * @param to the node it runs on now
 * @param image the image that carried it; a live move's image was a transfer, deleted once the target ran
 * @param freezeTime from the freeze on the source to the processes resuming on the target
 * @param totalTime the whole move
 * @param live the rounds and freeze of a live migration; empty for stop-and-copy
 */
public record MigrationResult(String partition, String from, String to, ImageInfo image, Duration freezeTime,
        Duration totalTime, Optional<LiveReport> live) {
    public MigrationResult {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(freezeTime, "freezeTime");
        Objects.requireNonNull(totalTime, "totalTime");
        Objects.requireNonNull(live, "live");
    }

    /** A stop-and-copy move. */
    public MigrationResult(String partition, String from, String to, ImageInfo image, Duration freezeTime,
            Duration totalTime) {
        this(partition, from, to, image, freezeTime, totalTime, Optional.empty());
    }
}
