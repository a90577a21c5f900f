package dev.haven.api.firmware;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something happened below the partitions.
 *
 * @param kind what happened
 * @param driver the name of the driver reporting it
 * @param node the node concerned
 * @param partition the partition concerned, for {@link Kind#PARTITION_DIED}
 * @param reason a sentence for the operator
 * @param at when
 */
public record FirmwareEvent(Kind kind, String driver, String node, Optional<String> partition, String reason, Instant at) {

    public enum Kind {
        NODE_UP,
        NODE_DOWN,
        /** A partition's lease ended without being released: its instance is dead and fenced. */
        PARTITION_DIED
    }

    public FirmwareEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
    }
}
