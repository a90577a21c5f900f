package dev.haven.api.accounting;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Amounts of resources, with the kernel calls counted by kind. Missing resources are 0.
 *
 * @param amounts by resource (gauges hold their level)
 * @param calls kernel calls by name ({@code msgsnd}, {@code nanosleep}, …); their sum is {@link Resource#KERNEL_CALLS}
 */
public record Usage(Map<Resource, Long> amounts, Map<String, Long> calls) {
    public static final Usage NONE = new Usage(Map.of(), Map.of());

    public Usage {
        Objects.requireNonNull(amounts, "amounts");
        Objects.requireNonNull(calls, "calls");
        EnumMap<Resource, Long> copy = new EnumMap<>(Resource.class);
        amounts.forEach((resource, amount) -> {
            if (amount != 0) {
                copy.put(resource, amount);
            }
        });
        amounts = Collections.unmodifiableMap(copy);
        calls = Collections.unmodifiableMap(new TreeMap<>(calls));
    }

    public long get(Resource resource) {
        return amounts.getOrDefault(resource, 0L);
    }

    /** Only the selected resources; the calls by kind stay when {@link Resource#KERNEL_CALLS} is selected. */
    public Usage only(Set<Resource> selected) {
        EnumMap<Resource, Long> kept = new EnumMap<>(Resource.class);
        amounts.forEach((resource, amount) -> {
            if (selected.contains(resource)) {
                kept.put(resource, amount);
            }
        });
        return new Usage(kept, selected.contains(Resource.KERNEL_CALLS) ? calls : Map.of());
    }

    /** This usage followed by {@code later}: counters add, gauges take the later level. */
    public Usage then(Usage later) {
        EnumMap<Resource, Long> sum = new EnumMap<>(Resource.class);
        sum.putAll(amounts);
        later.amounts.forEach((resource, amount) -> sum.merge(resource, amount, resource.gauge() ? (a, b) -> b : Long::sum));
        for (Resource resource : Resource.values()) {
            if (resource.gauge() && !later.amounts.containsKey(resource)) {
                sum.remove(resource);
            }
        }
        Map<String, Long> kinds = new TreeMap<>(calls);
        later.calls.forEach((name, count) -> kinds.merge(name, count, Long::sum));
        return new Usage(sum, kinds);
    }

    /** Side by side: counters and gauges both add (the usage of two partitions together). */
    public Usage plus(Usage other) {
        EnumMap<Resource, Long> sum = new EnumMap<>(Resource.class);
        sum.putAll(amounts);
        other.amounts.forEach((resource, amount) -> sum.merge(resource, amount, Long::sum));
        Map<String, Long> kinds = new TreeMap<>(calls);
        other.calls.forEach((name, count) -> kinds.merge(name, count, Long::sum));
        return new Usage(sum, kinds);
    }

    public boolean isEmpty() {
        return amounts.isEmpty() && calls.isEmpty();
    }
}
