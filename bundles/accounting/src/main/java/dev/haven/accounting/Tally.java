package dev.haven.accounting;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

import dev.haven.api.accounting.Resource;
import dev.haven.api.accounting.Usage;

/** A mutable usage, for the engine's arithmetic; {@link Usage} is its immutable form. Not thread-safe. */
final class Tally {
    private static final Resource[] RESOURCES = Resource.values();

    final long[] amounts = new long[RESOURCES.length];
    final Map<String, Long> calls = new HashMap<>();

    static Tally of(Usage usage) {
        Tally tally = new Tally();
        usage.amounts().forEach((resource, amount) -> tally.amounts[resource.ordinal()] = amount);
        tally.calls.putAll(usage.calls());
        return tally;
    }

    void call(String name, long count) {
        if (count != 0) {
            calls.merge(name, count, Long::sum);
        }
    }

    void add(Resource resource, long amount) {
        amounts[resource.ordinal()] += amount;
    }

    void addAll(Tally other) {
        for (int slot = 0; slot < amounts.length; slot++) {
            amounts[slot] += other.amounts[slot];
        }
        other.calls.forEach(this::call);
    }

    Tally copy() {
        Tally copy = new Tally();
        copy.addAll(this);
        return copy;
    }

    /**
     * What was used since {@code earlier}: counters as differences (never below 0: a sample of a running thread's
     * CPU can run a hair ahead of nothing but itself), gauges at their current level.
     */
    Tally since(Tally earlier) {
        Tally delta = new Tally();
        for (Resource resource : RESOURCES) {
            int slot = resource.ordinal();
            delta.amounts[slot] = resource.gauge() ? amounts[slot] : Math.max(0, amounts[slot] - earlier.amounts[slot]);
        }
        calls.forEach((name, count) -> delta.call(name, Math.max(0, count - earlier.calls.getOrDefault(name, 0L))));
        return delta;
    }

    /** As a {@link Usage}, with {@link Resource#KERNEL_CALLS} the sum of the calls by kind. */
    Usage usage() {
        Map<Resource, Long> map = new EnumMap<>(Resource.class);
        for (Resource resource : RESOURCES) {
            map.put(resource, amounts[resource.ordinal()]);
        }
        map.put(Resource.KERNEL_CALLS, calls.values().stream().mapToLong(Long::longValue).sum());
        return new Usage(map, calls);
    }
}
