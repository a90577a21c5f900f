package dev.haven.api.accounting;

import java.time.Instant;
import java.util.Objects;

/**
 * Use during one interval: by a partition, or (global engine, scope {@link AccountingRecord#NODE}) by the node
 * itself. Gauges hold their level at the interval's end.
 *
 * @param engine the engine that recorded it
 * @param scope the partition, or {@link AccountingRecord#NODE}
 * @param from the interval's start
 * @param to its end
 * @param usage what was used in it
 */
public record IntervalRecord(String engine, String scope, Instant from, Instant to, Usage usage) implements AccountingRecord {
    public IntervalRecord {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(usage, "usage");
    }

    @Override
    public Instant at() {
        return to;
    }
}
