package dev.haven.itests;

import dev.haven.api.partition.PartitionException;
import dev.haven.api.partition.PartitionManager;

/** Leaves no partition of a test behind, whatever state the test left it in. */
final class Cleanup {
    private Cleanup() {
    }

    static void remove(PartitionManager partitions, String name) {
        partitions.get(name).ifPresent(info -> {
            if (info.state().running() || info.state() == dev.haven.api.partition.PartitionState.BROKEN) {
                try {
                    partitions.stop(name);
                } catch (PartitionException alreadyStopped) {
                    // destroy below says whether that mattered
                }
            }
            partitions.destroy(name);
        });
    }
}
