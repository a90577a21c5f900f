package dev.haven.api.accounting;

import java.time.Duration;
import java.time.Instant;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Metering SPI for the kernel: the accounting engine registers one; the kernel calls it if present (an optional
 * reference), so the kernel never depends on the accounting bundle. Calls must return quickly.
 */
@ProviderType
public interface UsageSink {

    /**
     * A process starts (or resumes after a restart), on its own thread. The kernel reports its kernel calls and
     * its end to the meter returned, which is never null.
     */
    ProcessMeter processStarted(String partition, String node, int pid, String workload, Instant started);

    /** A checkpoint of the partition committed an image of {@code imageBytes} after holding it frozen {@code freeze}. */
    void checkpointed(String partition, Duration freeze, long imageBytes);

    /** The partition was restarted from an image (after its accounting section was restored). */
    void restarted(String partition);

    /** The HA manager restarted the partition after a failure. */
    void failedOver(String partition);
}
