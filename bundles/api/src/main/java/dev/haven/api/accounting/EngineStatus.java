package dev.haven.api.accounting;

import java.util.Objects;
import java.util.Set;

/**
 * An engine as {@code acct:on} left it.
 *
 * @param engine {@link AccountingRecord#GLOBAL} or a partition's name
 * @param enabled whether it records
 * @param resources what it records
 * @param buffered records in its buffer, not yet written to a file
 * @param written records it has written to files
 * @param dropped records lost because its bounded buffer was full
 */
public record EngineStatus(String engine, boolean enabled, Set<Resource> resources, int buffered, long written, long dropped) {
    public EngineStatus {
        Objects.requireNonNull(engine, "engine");
        resources = Set.copyOf(resources);
    }
}
