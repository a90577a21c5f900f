package dev.haven.ha;

import java.time.Duration;
import java.time.Instant;

/** The escalation rule of US8135985, apart so that its edges can be tested to the millisecond. */
final class Ladder {
    private Ladder() {
    }

    /**
     * The rung a failure detected at {@code detected} climbs to: the next one if it came within the window
     * of the last recovery (its very end included), else the first again.
     *
     * @param lastRecoveryAt when the partition last became active after a recovery, or null if never
     * @param lastStep the rung of that recovery
     */
    static int step(Instant lastRecoveryAt, int lastStep, Instant detected, Duration window) {
        boolean withinWindow = lastRecoveryAt != null && Duration.between(lastRecoveryAt, detected).compareTo(window) <= 0;
        return withinWindow ? lastStep + 1 : 1;
    }
}
