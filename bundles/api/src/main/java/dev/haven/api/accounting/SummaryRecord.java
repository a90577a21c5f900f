package dev.haven.api.accounting;

import java.time.Instant;
import java.util.Objects;

/**
 * An engine's accumulated totals for one scope at the end of an interval. The latest summary of each engine
 * and scope is where its totals continue after a runtime restart.
 *
 * @param engine the engine that recorded it
 * @param scope a partition, or {@link AccountingRecord#NODE}
 * @param at when
 * @param totals everything accumulated since the engine first recorded the scope
 */
public record SummaryRecord(String engine, String scope, Instant at, Usage totals) implements AccountingRecord {
    public SummaryRecord {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(totals, "totals");
    }
}
