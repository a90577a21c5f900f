package dev.haven.ipc;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.SystemCalls;

/**
 * What every System V object has: its virtual and real id, its permissions, one lock and one
 * condition for its waiters. Lock order: namespace, then object; never the other way.
 */
abstract class IpcObject {
    final int id;
    final int realId;
    final Perm perm;
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    /** Guarded by lock. */
    long ctime;
    boolean removed;

    IpcObject(int id, int realId, Perm perm, long ctime) {
        this.id = id;
        this.realId = realId;
        this.perm = perm;
        this.ctime = ctime;
    }

    abstract String kind();

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /**
     * Waits for a change, the lock held on entry and on return, out of flight meanwhile so a freeze can
     * proceed: the lock is let go before the wait ends up at the freeze gate, because the checkpoint
     * takes it. Returns false once {@code deadlineNanos} (System.nanoTime, or 0 for none) has passed.
     */
    boolean await(SystemCalls caller, long deadlineNanos) {
        caller.park();
        boolean inTime = true;
        try {
            if (deadlineNanos == 0) {
                changed.await();
            } else {
                long left = deadlineNanos - System.nanoTime();
                inTime = left > 0 && changed.await(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException woken) {
            // a freeze or a kill: re-check after unpark
        } finally {
            lock.unlock();
            try {
                caller.unpark();
            } finally {
                lock.lock();
            }
        }
        return inTime || System.nanoTime() - deadlineNanos < 0;
    }

    /** Waiters woken by IPC_RMID fail with EIDRM, as Linux's do. */
    void checkNotRemoved(String call) {
        if (removed) {
            throw new KernelException(Errno.EIDRM, call + ": the object was removed while waiting");
        }
    }
}
