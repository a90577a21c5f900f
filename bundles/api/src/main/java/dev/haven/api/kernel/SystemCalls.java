package dev.haven.api.kernel;

import java.util.function.Supplier;

import dev.haven.api.accounting.Resource;
import dev.haven.api.firmware.NodeKernel;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The calling process as a kernel subsystem (IPC, STREAMS, ptys) sees it: who it is, its partition's
 * limits, and the freeze gate. A subsystem runs each of its calls through {@link #call} so that every
 * call is a safe point, and wraps every wait in {@link #park}/{@link #unpark} so that a freeze can
 * wake it; a woken waiter re-checks its condition after the thaw, as Linux restarts a call.
 */
@ProviderType
public interface SystemCalls {

    /** The partition the caller runs in. */
    String partition();

    /** The caller's virtual pid. */
    int pid();

    /** The caller's credentials. */
    Credentials credentials();

    /** The kernel of the node the partition runs on, where real objects get their real ids. */
    NodeKernel node();

    /** A limit of the partition's spec, or the default when the spec leaves it unset. */
    long limit(String name, long defaultValue);

    /** Runs one kernel call: admitted through the freeze gate, counted as in flight until it returns. */
    <T> T call(String name, Supplier<T> body);

    /**
     * Takes the current call out of flight before it waits. The waiter must then wait interruptibly,
     * holding no lock a checkpoint needs; a freeze or a kill interrupts it.
     */
    void park();

    /**
     * Puts the call back in flight after a wait, first waiting for the thaw if the partition froze meanwhile.
     * Throws the process's termination if it was killed while waiting.
     */
    void unpark();

    /**
     * Reports that the calling process used {@code amount} of a counter resource (message bytes, STREAMS and pty
     * traffic), for accounting. Cheap, and a no-op when no accounting is installed or enabled.
     */
    default void usage(Resource resource, long amount) {
    }
}
