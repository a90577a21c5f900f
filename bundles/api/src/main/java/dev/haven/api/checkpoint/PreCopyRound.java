package dev.haven.api.checkpoint;

import java.time.Duration;
import java.util.Objects;

/**
 * One pre-copy round of a live migration.
 *
 * @param number 1 for the first (full) copy
 * @param bytes bytes copied in it, over every pre-copy participant
 * @param time how long it took, the partition running
 * @param dirtyAfter bytes written meanwhile, left for the next round or the freeze
 */
public record PreCopyRound(int number, long bytes, Duration time, long dirtyAfter) {
    public PreCopyRound {
        Objects.requireNonNull(time, "time");
    }
}
