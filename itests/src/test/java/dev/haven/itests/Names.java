package dev.haven.itests;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Partition names unique to one test run: definitions persist under haven.home, so a name reused
 * from an earlier run would already exist.
 */
final class Names {
    private static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    private static final AtomicInteger NEXT = new AtomicInteger();

    private Names() {
    }

    /** A valid, unused partition name starting with {@code prefix} (lowercase letters). */
    static String partition(String prefix) {
        return prefix + "-" + RUN + "-" + NEXT.incrementAndGet();
    }
}
