package dev.haven.api.checkpoint;

import java.util.Objects;

/**
 * How to migrate.
 *
 * @param live copy shared memory in rounds while the partition runs and freeze it only for the last
 *        dirty pages; falls back to stop-and-copy when the workload writes faster than rounds copy
 * @param progress told of rounds and bytes
 */
public record MigrationOptions(boolean live, ProgressListener progress) {
    public MigrationOptions {
        Objects.requireNonNull(progress, "progress");
    }
}
