package dev.haven.kernel;

import java.time.Duration;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The safe-point barrier of one partition. Every kernel call enters the gate and leaves it; a call
 * that waits for something (a sleep, a message) parks, which takes it out of flight. A freeze closes
 * the gate, wakes the parked calls (they return to the gate and wait there, as a Linux call returning
 * ERESTARTSYS is restarted after the signal) and waits until no call is in flight. From then until
 * the thaw no kernel call runs, so the partition's kernel state cannot change.
 *
 * <p>All fields are guarded by {@link #lock}. Nothing blocks while holding it except on
 * {@link #changed}, and no other lock is taken inside it.
 */
final class FreezeGate {

    /** What a process is doing, as the gate sees it. */
    enum CallState { OUTSIDE, IN_CALL, PARKED }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean frozen;
    /** Identity-keyed: every kernel call puts and removes its process, and this map allocates nothing doing so. */
    private final Map<KernelProcess, String> inFlight = new IdentityHashMap<>();
    private final Map<KernelProcess, String> parked = new LinkedHashMap<>();
    /** Every admitted call, the partition's heartbeat; read without the lock. */
    private final java.util.concurrent.atomic.AtomicLong admitted = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Admits a kernel call, waiting while the partition is frozen.
     *
     * @throws ProcessTermination if the process must end instead
     */
    void enter(KernelProcess process, String call) {
        lock.lock();
        try {
            awaitOpen(process);
            inFlight.put(process, call);
            admitted.incrementAndGet();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The partition's heartbeat: the calls admitted since the gate was made. Processes that all wait in
     * kernel calls (a server blocked in msgrcv) are idle, not stuck, so a look at such a partition counts
     * as a beat too.
     */
    long heartbeat(int liveProcesses) {
        lock.lock();
        try {
            return liveProcesses > 0 && parked.size() >= liveProcesses ? admitted.incrementAndGet() : admitted.get();
        } finally {
            lock.unlock();
        }
    }

    /** Ends a kernel call admitted by {@link #enter}. */
    void leave(KernelProcess process) {
        lock.lock();
        try {
            inFlight.remove(process);
            if (frozen) {
                // only a freezer waits for calls to leave; callers held at the gate wait for the thaw
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes an admitted call out of flight while it waits. The caller then waits interruptibly; a
     * freeze or a kill interrupts it.
     */
    void park(KernelProcess process) {
        lock.lock();
        try {
            String call = inFlight.remove(process);
            parked.put(process, call == null ? "?" : call);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts a parked call back in flight, first waiting for the thaw if the partition froze meanwhile:
     * the call then re-checks whatever it waited for, so it is restarted rather than resumed.
     *
     * @throws ProcessTermination if the process must end instead
     */
    void unpark(KernelProcess process) {
        lock.lock();
        try {
            String call = parked.remove(process);
            try {
                awaitOpen(process);
            } catch (ProcessTermination end) {
                changed.signalAll();
                throw end;
            }
            inFlight.put(process, call);
        } finally {
            lock.unlock();
        }
    }

    private void awaitOpen(KernelProcess process) {
        process.checkAlive();
        while (frozen) {
            try {
                changed.await();
            } catch (InterruptedException woken) {
                // a kill interrupts; a freeze's own interrupt of a parked call may land here too
            }
            process.checkAlive();
        }
    }

    /**
     * Closes the gate and waits until no call is in flight.
     *
     * @return empty when frozen; otherwise the calls still in flight at the timeout, after the gate has
     *         been opened again (the partition is unchanged)
     */
    Map<KernelProcess, String> freeze(Duration timeout) {
        lock.lock();
        try {
            if (frozen) {
                throw new IllegalStateException("already frozen");
            }
            frozen = true;
            parked.keySet().forEach(KernelProcess::wake);
            long nanos = timeout.toNanos();
            while (!inFlight.isEmpty()) {
                if (nanos <= 0) {
                    Map<KernelProcess, String> holders = new LinkedHashMap<>();
                    inFlight.entrySet().stream().sorted(Comparator.comparingInt(entry -> entry.getKey().vpid()))
                            .forEach(entry -> holders.put(entry.getKey(), entry.getValue()));
                    frozen = false;
                    changed.signalAll();
                    return holders;
                }
                try {
                    nanos = changed.awaitNanos(nanos);
                } catch (InterruptedException interrupted) {
                    frozen = false;
                    changed.signalAll();
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while freezing", interrupted);
                }
            }
            return Map.of();
        } finally {
            lock.unlock();
        }
    }

    /** Opens the gate: every call held at it continues. */
    void thaw() {
        lock.lock();
        try {
            frozen = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean frozen() {
        lock.lock();
        try {
            return frozen;
        } finally {
            lock.unlock();
        }
    }

    /** Where the process is, for ps and for the image: the call it is in or parked in, if any. */
    CallState state(KernelProcess process) {
        lock.lock();
        try {
            if (inFlight.containsKey(process)) {
                return CallState.IN_CALL;
            }
            return parked.containsKey(process) ? CallState.PARKED : CallState.OUTSIDE;
        } finally {
            lock.unlock();
        }
    }

    /** The call a parked process waits in, if it is parked. */
    String parkedCall(KernelProcess process) {
        lock.lock();
        try {
            return parked.get(process);
        } finally {
            lock.unlock();
        }
    }

    /** Wakes everyone held at the gate so they can notice they must end. */
    void wakeAll() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
