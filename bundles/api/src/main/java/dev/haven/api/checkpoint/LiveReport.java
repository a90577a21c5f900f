package dev.haven.api.checkpoint;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a live migration went.
 *
 * @param rounds the pre-copy rounds, the partition running
 * @param freezeBytes the bulk bytes copied during the freeze (the last dirty pages)
 * @param fallback why the migration fell back to stop-and-copy, if it did
 */
public record LiveReport(List<PreCopyRound> rounds, long freezeBytes, Optional<String> fallback) {
    public LiveReport {
        rounds = List.copyOf(rounds);
        Objects.requireNonNull(fallback, "fallback");
    }
}
