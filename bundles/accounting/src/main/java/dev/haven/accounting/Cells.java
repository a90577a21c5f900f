package dev.haven.accounting;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.haven.api.accounting.Resource;

/**
 * A process's counters. A process is one thread (the kernel's model: its call depth is thread-confined too),
 * so each counter has a single writer and is bumped with opaque reads and writes — no lock prefix on the hot
 * path — while the interval ticker reads them from its own thread.
 */
final class Cells {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int RESOURCES = Resource.values().length;

    static final class Count {
        private static final VarHandle N;

        static {
            try {
                N = MethodHandles.lookup().findVarHandle(Count.class, "n", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("unused")
        private long n;

        void increment() {
            N.setOpaque(this, (long) N.getOpaque(this) + 1);
        }

        long get() {
            return (long) N.getOpaque(this);
        }
    }

    private final long[] amounts = new long[RESOURCES];
    private final Map<String, Count> calls = new ConcurrentHashMap<>();
    /**
     * The writer's own shortcut to the counts: call names are string constants, so the same instance comes back
     * and a slot picked by its (cached) hash usually holds it. Only the writer thread touches these arrays.
     */
    private final String[] cachedNames = new String[CACHE];
    private final Count[] cachedCounts = new Count[CACHE];
    private static final int CACHE = 16;

    void call(String name) {
        int slot = name.hashCode() & (CACHE - 1);
        Count count;
        if (cachedNames[slot] == name) {
            count = cachedCounts[slot];
        } else {
            count = calls.computeIfAbsent(name, key -> new Count());
            cachedCounts[slot] = count;
            cachedNames[slot] = name;
        }
        count.increment();
    }

    void add(Resource resource, long amount) {
        int slot = resource.ordinal();
        SLOT.setOpaque(amounts, slot, (long) SLOT.getOpaque(amounts, slot) + amount);
    }

    /** Adds this process's counts to {@code into}. */
    void addTo(Tally into) {
        for (int slot = 0; slot < RESOURCES; slot++) {
            into.amounts[slot] += (long) SLOT.getOpaque(amounts, slot);
        }
        calls.forEach((name, count) -> into.call(name, count.get()));
    }
}
