package dev.haven.api.checkpoint;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import dev.haven.api.partition.PartitionSpec;

/**
 * The self-describing head of an image.
 *
 * @param formatVersion the container format version (see docs/IMAGE-FORMAT.md)
 * @param partition the partition checkpointed
 * @param spec its spec at the checkpoint
 * @param sourceNode the node it ran on
 * @param created when the checkpoint was taken
 * @param attributes free-form facts, such as {@code kind=consistency|boot|manual} or {@code parent=ID}
 */
public record ImageHeader(int formatVersion, String partition, PartitionSpec spec, String sourceNode, Instant created,
        Map<String, String> attributes) {
    public ImageHeader {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(sourceNode, "sourceNode");
        Objects.requireNonNull(created, "created");
        attributes = Map.copyOf(new TreeMap<>(attributes));
    }
}
