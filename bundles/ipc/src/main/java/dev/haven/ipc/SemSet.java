package dev.haven.ipc;

import java.util.HashMap;
import java.util.Map;

import dev.haven.api.ipc.Ipc;
import dev.haven.api.ipc.SemOp;
import dev.haven.api.ipc.SemidDs;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.SystemCalls;

/** A System V semaphore set, {@code ipc/sem.c} in behaviour. State guarded by {@link #lock}. */
final class SemSet extends IpcObject {
    final int[] values;
    final int[] pids;
    final int[] ncnt;
    final int[] zcnt;
    /** SEM_UNDO adjustments by vpid, applied when that process ends. */
    final Map<Integer, int[]> undo = new HashMap<>();
    long otime;

    SemSet(int id, int realId, Perm perm, int nsems, long ctime) {
        super(id, realId, perm, ctime);
        values = new int[nsems];
        pids = new int[nsems];
        ncnt = new int[nsems];
        zcnt = new int[nsems];
    }

    @Override
    String kind() {
        return "sem";
    }

    void semop(SystemCalls caller, SemOp[] sops, long deadlineNanos, int semvmx) {
        lock.lock();
        try {
            boolean alters = false;
            for (SemOp op : sops) {
                if (op.num() < 0 || op.num() >= values.length) {
                    throw new KernelException(Errno.EFBIG, "semop: sem_num " + op.num() + " is outside the set of "
                            + values.length);
                }
                alters |= op.op() != 0;
            }
            perm.check(caller.credentials(), alters ? Perm.WRITE : Perm.READ, "semop");
            while (true) {
                SemOp blocking = tryApply(caller, sops, semvmx);
                if (blocking == null) {
                    changed.signalAll();
                    return;
                }
                if ((blocking.flags() & Ipc.IPC_NOWAIT) != 0) {
                    throw new KernelException(Errno.EAGAIN, "semop: semaphore " + blocking.num() + " of set " + id
                            + " would block and IPC_NOWAIT was given");
                }
                int[] counts = blocking.op() == 0 ? zcnt : ncnt;
                counts[blocking.num()]++;
                boolean inTime;
                try {
                    inTime = await(caller, deadlineNanos);
                } finally {
                    counts[blocking.num()]--;
                }
                checkNotRemoved("semop");
                if (!inTime) {
                    throw new KernelException(Errno.EAGAIN, "semtimedop: timed out");
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Applies every operation or none; returns the operation that would block, or null when applied. */
    private SemOp tryApply(SystemCalls caller, SemOp[] sops, int semvmx) {
        int[] after = values.clone();
        for (SemOp op : sops) {
            int value = after[op.num()];
            if (op.op() == 0) {
                if (value != 0) {
                    return op;
                }
            } else if (value + op.op() < 0) {
                return op;
            } else if (value + op.op() > semvmx) {
                throw new KernelException(Errno.ERANGE, "semop: semaphore " + op.num() + " would exceed semvmx " + semvmx);
            } else {
                after[op.num()] = value + op.op();
            }
        }
        int pid = caller.pid();
        for (SemOp op : sops) {
            if ((op.flags() & Ipc.SEM_UNDO) != 0 && op.op() != 0) {
                int[] adjust = undo.computeIfAbsent(pid, p -> new int[values.length]);
                int next = adjust[op.num()] - op.op();
                if (Math.abs(next) > semvmx) {
                    throw new KernelException(Errno.ERANGE, "semop: undo adjustment of semaphore " + op.num()
                            + " would exceed semvmx");
                }
                adjust[op.num()] = next;
            }
            pids[op.num()] = pid;
        }
        System.arraycopy(after, 0, values, 0, values.length);
        otime = now();
        return null;
    }

    /** SETVAL and SETALL clear the undo entries of what they set, as Linux does. */
    void setValue(int num, int value, int pid) {
        values[num] = value;
        pids[num] = pid;
        for (int[] adjust : undo.values()) {
            adjust[num] = 0;
        }
        ctime = now();
        changed.signalAll();
    }

    /** The process ended: its adjustments are applied, clamped to 0..semvmx as Linux clamps them. */
    void exit(int pid, int semvmx) {
        lock.lock();
        try {
            int[] adjust = undo.remove(pid);
            if (adjust == null) {
                return;
            }
            for (int num = 0; num < values.length; num++) {
                if (adjust[num] != 0) {
                    values[num] = Math.max(0, Math.min(semvmx, values[num] + adjust[num]));
                    pids[num] = pid;
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    SemidDs stat() {
        return new SemidDs(perm.snapshot(), otime, ctime, values.length);
    }
}
