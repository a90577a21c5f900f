package dev.haven.api.kernel;

import java.time.Duration;
import java.time.Instant;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The system-call surface of a partition as one process sees it. Every method except the fixed facts
 * {@link #credentials()} and {@link #partition()} is a kernel call and therefore a <em>safe point</em>: while the partition is frozen no call is admitted, calls in flight
 * finish before the freeze completes, and a call blocked waiting is woken, held at the gate and
 * re-issued after the thaw (as Linux restarts a call that returned {@code ERESTARTSYS}).
 *
 * <p>A process that is killed, or whose partition is stopped or fenced, is terminated at its next
 * kernel call: the call throws an unchecked {@link Error} that the workload must let propagate.
 */
@ProviderType
public interface PartitionKernel {

    /** The virtual pid of the calling process, as {@code getpid(2)}; stable across restarts. */
    int getpid();

    /** The credentials of the calling process. */
    Credentials credentials();

    /** The name of the partition the process runs in, as {@code uname -n} inside a WPAR. */
    String partition();

    /** The current time, as {@code clock_gettime(CLOCK_REALTIME)}. */
    Instant now();

    /**
     * Sleeps for the given time, as {@code nanosleep(2)}. A freeze wakes the sleeper; after the thaw
     * (or a restart from a checkpoint) the sleep continues for the time that remained.
     *
     * @throws KernelException EINVAL if the duration is negative
     */
    void sleep(Duration duration);

    /** A kernel call that does nothing but pass the safe point, like {@code sched_yield(2)}. */
    void yield();

    /**
     * A kernel subsystem's system calls for this process, such as {@code SysVIpc}.
     *
     * @throws KernelException ENOSYS if no installed bundle provides it
     */
    <T> T extension(Class<T> type);
}
