package dev.haven.itests;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for a condition by polling, within a bound: no fixed sleeps in the tests. */
final class Await {
    static final Duration DEFAULT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 10;

    private Await() {
    }

    /**
     * Polls {@code probe} until its value satisfies {@code condition} and returns that value.
     *
     * @throws AssertionError naming {@code what} and the last value seen, once {@code timeout} has passed
     */
    static <T> T until(String what, Supplier<T> probe, Predicate<? super T> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = probe.get();
        while (!condition.test(last)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + "; last seen: " + last);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
            last = probe.get();
        }
        return last;
    }

    static <T> T until(String what, Supplier<T> probe, Predicate<? super T> condition) {
        return until(what, probe, condition, DEFAULT);
    }
}
