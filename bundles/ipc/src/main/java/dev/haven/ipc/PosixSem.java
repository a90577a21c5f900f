package dev.haven.ipc;

import dev.haven.api.ipc.Posix;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.SystemCalls;

/** A named semaphore, glibc's {@code sem_wait}/{@code sem_post} in behaviour. State guarded by {@link #lock}. */
final class PosixSem extends PosixObject {
    int value;
    /** Processes waiting now: not part of the image, a waiter re-issues its call after a restart. */
    int waiters;

    PosixSem(int id, int realId, String name, Perm perm, long ctime, int value) {
        super(id, realId, name, perm, ctime);
        this.value = value;
    }

    @Override
    String kind() {
        return PosixKind.SEM.label;
    }

    /** Decrements, waiting while 0 unless {@code tryOnly} (EAGAIN); a deadline of 0 waits for ever. */
    void take(SystemCalls caller, String call, boolean tryOnly, long deadlineNanos) {
        lock.lock();
        try {
            while (value == 0) {
                if (tryOnly) {
                    throw new KernelException(Errno.EAGAIN, call + ": semaphore " + name + " is 0");
                }
                waiters++;
                boolean inTime;
                try {
                    inTime = await(caller, deadlineNanos);
                } finally {
                    waiters--;
                }
                checkNotRemoved(call);
                if (!inTime && value == 0) {
                    throw new KernelException(Errno.ETIMEDOUT, call + ": semaphore " + name + " stayed 0 until the timeout");
                }
            }
            value--;
            touch(caller.pid());
        } finally {
            lock.unlock();
        }
    }

    void post(SystemCalls caller) {
        lock.lock();
        try {
            if (value == Posix.SEM_VALUE_MAX) {
                throw new KernelException(Errno.EOVERFLOW, "sem_post: semaphore " + name + " is at SEM_VALUE_MAX");
            }
            value++;
            touch(caller.pid());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
