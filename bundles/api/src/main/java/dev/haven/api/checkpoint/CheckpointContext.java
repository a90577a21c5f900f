package dev.haven.api.checkpoint;

import java.time.Instant;
import java.util.Objects;

import dev.haven.api.partition.PartitionSpec;

/**
 * The partition being checkpointed.
 *
 * @param partition its name
 * @param node the node it runs on
 * @param spec its spec
 * @param at the moment of the checkpoint (the partition is frozen at it)
 */
public record CheckpointContext(String partition, String node, PartitionSpec spec, Instant at) {
    public CheckpointContext {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(at, "at");
    }
}
