package dev.haven.shell.command;

import java.time.Duration;
import java.util.Locale;

/** Durations for people: 850 µs, 12.3 ms, 4.20 s. */
final class Durations {
    private Durations() {
    }

    static String format(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos < 1_000_000) {
            return (nanos / 1000) + " µs";
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
}
