package dev.haven.api.partition;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A partition changed state.
 *
 * @param partition its name
 * @param node the node it is on
 * @param from the state it left ({@code empty} when it was just created)
 * @param to the state it entered ({@code empty} when it was destroyed)
 * @param reason why, when there is more to say than the states
 * @param at when
 */
public record PartitionEvent(String partition, String node, Optional<PartitionState> from, Optional<PartitionState> to,
        Optional<String> reason, Instant at) {
    public PartitionEvent {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
    }
}
