package dev.haven.api.partition;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of one partition.
 *
 * @param name the partition's name, {@code [a-z][a-z0-9-]{0,30}}
 * @param node the node the partition runs on, or last ran on
 * @param state its state at the time of the snapshot
 * @param spec its spec
 * @param processes how many of its processes are alive
 * @param reason why it is in its state, when that is worth saying (always for {@code BROKEN})
 * @param since when it entered its state
 */
public record PartitionInfo(String name, String node, PartitionState state, PartitionSpec spec, int processes,
        Optional<String> reason, Instant since) {
    public PartitionInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(since, "since");
    }
}
