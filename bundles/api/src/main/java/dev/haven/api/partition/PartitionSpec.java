package dev.haven.api.partition;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a partition is allowed to be: whether it may be checkpointed, and its kernel limits by name
 * (for example {@code processes.max}, {@code state.max}; the IPC limits {@code msgmnb}, {@code semmsl}
 * and so on). A limit not named takes the kernel's default.
 *
 * @param checkpointable whether checkpoints of the partition are allowed (AIX {@code mkwpar -c})
 * @param limits kernel limits by name, each at least 0
 */
public record PartitionSpec(boolean checkpointable, Map<String, Long> limits) {
    /** A checkpointable partition with default limits. */
    public static final PartitionSpec DEFAULT = new PartitionSpec(true, Map.of());

    public PartitionSpec {
        Objects.requireNonNull(limits, "limits");
        for (Map.Entry<String, Long> limit : limits.entrySet()) {
            if (limit.getKey() == null || limit.getKey().isBlank()) {
                throw new IllegalArgumentException("a limit needs a name");
            }
            if (limit.getValue() == null || limit.getValue() < 0) {
                throw new IllegalArgumentException("limit " + limit.getKey() + " must be at least 0, not " + limit.getValue());
            }
        }
        limits = Map.copyOf(new TreeMap<>(limits));
    }

    /** The limit of that name, or the given default when the spec leaves it to the kernel. */
    public long limit(String name, long defaultValue) {
        Long value = limits.get(name);
        return value == null ? defaultValue : value;
    }

    /** This spec with one limit set. */
    public PartitionSpec withLimit(String name, long value) {
        Map<String, Long> changed = new TreeMap<>(limits);
        changed.put(name, value);
        return new PartitionSpec(checkpointable, changed);
    }

    /** This spec with the checkpointable flag set as given. */
    public PartitionSpec withCheckpointable(boolean value) {
        return new PartitionSpec(value, limits);
    }
}
