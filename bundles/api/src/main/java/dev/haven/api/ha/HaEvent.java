package dev.haven.api.ha;

import java.time.Instant;
import java.util.Objects;

/**
 * One step of the HA story of a partition, as {@code ha:events} tells it.
 *
 * @param at when
 * @param partition the partition
 * @param kind what happened
 * @param message a sentence for the operator
 */
public record HaEvent(Instant at, String partition, Kind kind, String message) {

    public enum Kind {
        POLICY, ENABLED, DISABLED, BOOT_IMAGE, CONSISTENCY_IMAGE, FAILURE, FENCED, RESTART_CFI, RESTART_BFI, RECOVERED,
        SKIPPED, BROKEN, ALERT
    }

    public HaEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }
}
