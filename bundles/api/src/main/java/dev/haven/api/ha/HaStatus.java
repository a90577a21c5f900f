package dev.haven.api.ha;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a partition stands in HA.
 *
 * @param partition the partition
 * @param policy its policy
 * @param step 0 healthy; 1 restarted from a consistency image; 2 booted from its boot image; 3 broken
 * @param lastImage its newest consistency image
 * @param bootImage its boot image
 * @param lastFailure when it last failed
 * @param lastRecovery how long the last recovery took, from detection to active
 */
public record HaStatus(String partition, HaPolicy policy, int step, Optional<String> lastImage, Optional<String> bootImage,
        Optional<Instant> lastFailure, Optional<Duration> lastRecovery) {
}
