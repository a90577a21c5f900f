package dev.haven.api.checkpoint;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Checkpoint, restart and migration of partitions (DESIGN.md "the flows that matter").
 * Every operation either completes or leaves the partition as it was before, and says why.
 */
@ProviderType
public interface CheckpointService {

    /**
     * Freezes an active partition, writes every participant's section into a new image, commits it
     * atomically, then thaws the partition (or stops it, with {@link CheckpointOptions#stop()}).
     *
     * @throws CheckpointException NOT_CHECKPOINTABLE, WRONG_STATE, FREEZE_TIMEOUT (naming the process that
     *         held the partition), VETOED (with the participant's reason), FAILED
     */
    CheckpointResult checkpoint(String partition, CheckpointOptions options);

    /**
     * Verifies an image whole, then rebuilds its partition on a node: participants restore in dependency
     * order, virtual ids come back as they were, real ids are allocated afresh, and processes resume from
     * their saved state.
     *
     * @param image an image id, a path to an image file, or a partition name (its newest image)
     * @throws CheckpointException IMAGE_INVALID (naming the damaged part), WRONG_STATE (the partition runs),
     *         FAILED (with nothing left behind)
     */
    RestartResult restart(String image, RestartOptions options);

    /**
     * Moves an active partition to another node: freeze, checkpoint, stop, restart on the target.
     * If any step fails the partition is left (or put back) running where it was.
     *
     * @throws CheckpointException as {@link #checkpoint} and {@link #restart}
     */
    MigrationResult migrate(String partition, String node, ProgressListener progress);

    /**
     * Moves an active partition to another node, live if asked: shared memory is copied in rounds while
     * the partition runs, then the partition is frozen only for the last dirty pages and its other
     * sections, restarted on the target and removed at the source. A workload that writes faster than
     * rounds copy gets a stop-and-copy move instead, and the result says why.
     *
     * @throws CheckpointException as {@link #migrate(String, String, ProgressListener)}
     */
    MigrationResult migrate(String partition, String node, MigrationOptions options);
}
