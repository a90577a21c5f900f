package dev.haven.api.checkpoint;

import java.io.IOException;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A participant whose bulk state (shared memory) can be copied toward a migration's target while the
 * partition still runs, as a hypervisor's pre-copy does: it tracks what the workload changes, copies
 * it again in rounds, and during the freeze writes its section with only what is still dirty. A
 * participant that does not implement this is written during the freeze as usual.
 */
@ConsumerType
public interface PreCopyParticipant extends CheckpointParticipant {

    /**
     * Starts tracking writes to the partition's bulk state and gives the copy that rounds fill.
     * Called while the partition runs, under the partition's operation monitor.
     */
    PreCopy preCopy(CheckpointContext context) throws IOException;
}
