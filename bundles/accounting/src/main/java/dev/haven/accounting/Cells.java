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

    void call(String name) {
        Count count = calls.get(name);
        if (count == null) {
            count = calls.computeIfAbsent(name, key -> new Count());
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
