package dev.haven.api.checkpoint;

import java.time.Duration;
import java.util.Objects;

import dev.haven.api.partition.PartitionInfo;

/**
 * A restarted partition.
 *
 * @param partition the partition as it runs now
 * @param image the image it came from
 * @param processes how many processes resumed
 * @param totalTime from opening the image to the processes resuming
 */
public record RestartResult(PartitionInfo partition, ImageInfo image, int processes, Duration totalTime) {
    public RestartResult {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(totalTime, "totalTime");
    }
}
