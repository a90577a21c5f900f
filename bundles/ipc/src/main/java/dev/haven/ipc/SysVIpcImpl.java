package dev.haven.ipc;

import java.time.Duration;

import dev.haven.api.accounting.Resource;
import dev.haven.api.ipc.Ipc;
import dev.haven.api.ipc.Message;
import dev.haven.api.ipc.MsqidDs;
import dev.haven.api.ipc.SemOp;
import dev.haven.api.ipc.SemidDs;
import dev.haven.api.ipc.SharedMemory;
import dev.haven.api.ipc.ShmidDs;
import dev.haven.api.ipc.SysVIpc;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.SystemCalls;

/** System V IPC as one process calls it: argument checks, then the object, every call through the freeze gate. */
final class SysVIpcImpl implements SysVIpc {
    private final SystemCalls caller;
    private final IpcVirtualizer virtualizer;

    SysVIpcImpl(SystemCalls caller, IpcVirtualizer virtualizer) {
        this.caller = caller;
        this.virtualizer = virtualizer;
    }

    private IpcNamespace namespace() {
        return virtualizer.namespace(caller);
    }

    @Override
    public int msgget(int key, int msgflg) {
        return caller.call("msgget", () -> namespace().msgget(key, msgflg, caller.credentials(), Limits.of(caller)));
    }

    @Override
    public void msgsnd(int msqid, long mtype, byte[] mtext, int msgflg) {
        caller.call("msgsnd", () -> {
            Limits limits = Limits.of(caller);
            if (mtype < 1) {
                throw new KernelException(Errno.EINVAL, "msgsnd: mtype must be at least 1, not " + mtype);
            }
            if (mtext == null || mtext.length > limits.msgmax()) {
                throw new KernelException(Errno.EINVAL, "msgsnd: msgsz " + (mtext == null ? "null" : mtext.length)
                        + " is more than msgmax " + limits.msgmax());
            }
            namespace().queue(msqid, "msgsnd").send(caller, mtype, mtext, msgflg);
            caller.usage(Resource.IPC_MSGS_OUT, 1);
            caller.usage(Resource.IPC_BYTES_OUT, mtext.length);
            return null;
        });
    }

    @Override
    public Message msgrcv(int msqid, int msgsz, long msgtyp, int msgflg) {
        return caller.call("msgrcv", () -> {
            if (msgsz < 0) {
                throw new KernelException(Errno.EINVAL, "msgrcv: msgsz must not be negative: " + msgsz);
            }
            Message message = namespace().queue(msqid, "msgrcv").receive(caller, msgsz, msgtyp, msgflg);
            caller.usage(Resource.IPC_MSGS_IN, 1);
            caller.usage(Resource.IPC_BYTES_IN, message.data().length);
            return message;
        });
    }

    @Override
    public MsqidDs msgctl(int msqid, int cmd, MsqidDs buf) {
        return caller.call("msgctl", () -> {
            IpcNamespace namespace = namespace();
            MsgQueue queue = namespace.queue(msqid, "msgctl");
            switch (cmd) {
                case Ipc.IPC_STAT -> {
                    queue.lock.lock();
                    try {
                        queue.perm.check(caller.credentials(), Perm.READ, "msgctl(IPC_STAT)");
                        return queue.stat();
                    } finally {
                        queue.lock.unlock();
                    }
                }
                case Ipc.IPC_SET -> {
                    if (buf == null) {
                        throw new KernelException(Errno.EFAULT, "msgctl(IPC_SET): no msqid_ds given");
                    }
                    queue.lock.lock();
                    try {
                        queue.perm.checkOwner(caller.credentials(), "msgctl(IPC_SET)");
                        long limit = Limits.of(caller).msgmnb();
                        if (buf.qbytes() > limit && !caller.credentials().privileged()) {
                            throw new KernelException(Errno.EPERM, "msgctl(IPC_SET): raising msg_qbytes above msgmnb "
                                    + limit + " needs privilege");
                        }
                        queue.perm.set(buf.perm());
                        queue.qbytes = buf.qbytes();
                        queue.ctime = IpcObject.now();
                        queue.changed.signalAll();
                        return queue.stat();
                    } finally {
                        queue.lock.unlock();
                    }
                }
                case Ipc.IPC_RMID -> {
                    queue.lock.lock();
                    try {
                        queue.perm.checkOwner(caller.credentials(), "msgctl(IPC_RMID)");
                    } finally {
                        queue.lock.unlock();
                    }
                    namespace.remove(queue);
                    return null;
                }
                default -> throw new KernelException(Errno.EINVAL, "msgctl: unknown command " + cmd);
            }
        });
    }

    @Override
    public int semget(int key, int nsems, int semflg) {
        return caller.call("semget", () -> namespace().semget(key, nsems, semflg, caller.credentials(), Limits.of(caller)));
    }

    @Override
    public void semop(int semid, SemOp... sops) {
        semop("semop", semid, 0, sops);
    }

    @Override
    public void semtimedop(int semid, Duration timeout, SemOp... sops) {
        if (timeout == null || timeout.isNegative()) {
            throw new KernelException(Errno.EINVAL, "semtimedop: invalid timeout " + timeout);
        }
        semop("semtimedop", semid, Math.max(1, System.nanoTime() + timeout.toNanos()), sops);
    }

    private void semop(String call, int semid, long deadline, SemOp[] sops) {
        caller.call(call, () -> {
            Limits limits = Limits.of(caller);
            if (sops == null || sops.length == 0) {
                throw new KernelException(Errno.EINVAL, call + ": no operations given");
            }
            if (sops.length > limits.semopm()) {
                throw new KernelException(Errno.E2BIG, call + ": " + sops.length + " operations, more than semopm "
                        + limits.semopm());
            }
            namespace().semaphores(semid, call).semop(caller, sops, deadline, limits.semvmx());
            return null;
        });
    }

    @Override
    public int semctl(int semid, int semnum, int cmd, int arg) {
        return caller.call("semctl", () -> {
            IpcNamespace namespace = namespace();
            SemSet set = namespace.semaphores(semid, "semctl");
            if (cmd == Ipc.IPC_RMID) {
                set.lock.lock();
                try {
                    set.perm.checkOwner(caller.credentials(), "semctl(IPC_RMID)");
                } finally {
                    set.lock.unlock();
                }
                namespace.remove(set);
                return 0;
            }
            set.lock.lock();
            try {
                if (semnum < 0 || semnum >= set.values.length) {
                    throw new KernelException(Errno.EINVAL, "semctl: semnum " + semnum + " is outside the set of "
                            + set.values.length);
                }
                switch (cmd) {
                    case Ipc.GETVAL, Ipc.GETPID, Ipc.GETNCNT, Ipc.GETZCNT -> {
                        set.perm.check(caller.credentials(), Perm.READ, "semctl");
                        return switch (cmd) {
                            case Ipc.GETVAL -> set.values[semnum];
                            case Ipc.GETPID -> set.pids[semnum];
                            case Ipc.GETNCNT -> set.ncnt[semnum];
                            default -> set.zcnt[semnum];
                        };
                    }
                    case Ipc.SETVAL -> {
                        set.perm.check(caller.credentials(), Perm.WRITE, "semctl(SETVAL)");
                        int semvmx = Limits.of(caller).semvmx();
                        if (arg < 0 || arg > semvmx) {
                            throw new KernelException(Errno.ERANGE, "semctl(SETVAL): " + arg + " is outside 0.." + semvmx);
                        }
                        set.setValue(semnum, arg, caller.pid());
                        return 0;
                    }
                    default -> throw new KernelException(Errno.EINVAL, "semctl: unknown command " + cmd);
                }
            } finally {
                set.lock.unlock();
            }
        });
    }

    @Override
    public int[] semGetAll(int semid) {
        return caller.call("semctl", () -> {
            SemSet set = namespace().semaphores(semid, "semctl(GETALL)");
            set.lock.lock();
            try {
                set.perm.check(caller.credentials(), Perm.READ, "semctl(GETALL)");
                return set.values.clone();
            } finally {
                set.lock.unlock();
            }
        });
    }

    @Override
    public void semSetAll(int semid, int[] values) {
        caller.call("semctl", () -> {
            SemSet set = namespace().semaphores(semid, "semctl(SETALL)");
            set.lock.lock();
            try {
                set.perm.check(caller.credentials(), Perm.WRITE, "semctl(SETALL)");
                if (values == null || values.length != set.values.length) {
                    throw new KernelException(Errno.EINVAL, "semctl(SETALL): the set has " + set.values.length + " semaphores");
                }
                int semvmx = Limits.of(caller).semvmx();
                for (int value : values) {
                    if (value < 0 || value > semvmx) {
                        throw new KernelException(Errno.ERANGE, "semctl(SETALL): " + value + " is outside 0.." + semvmx);
                    }
                }
                for (int num = 0; num < values.length; num++) {
                    set.setValue(num, values[num], caller.pid());
                }
                return null;
            } finally {
                set.lock.unlock();
            }
        });
    }

    @Override
    public SemidDs semctlStat(int semid, int cmd, SemidDs buf) {
        return caller.call("semctl", () -> {
            SemSet set = namespace().semaphores(semid, "semctl");
            set.lock.lock();
            try {
                if (cmd == Ipc.IPC_STAT) {
                    set.perm.check(caller.credentials(), Perm.READ, "semctl(IPC_STAT)");
                    return set.stat();
                }
                if (cmd == Ipc.IPC_SET) {
                    if (buf == null) {
                        throw new KernelException(Errno.EFAULT, "semctl(IPC_SET): no semid_ds given");
                    }
                    set.perm.checkOwner(caller.credentials(), "semctl(IPC_SET)");
                    set.perm.set(buf.perm());
                    set.ctime = IpcObject.now();
                    return set.stat();
                }
                throw new KernelException(Errno.EINVAL, "semctl: unknown command " + cmd + " for semctlStat");
            } finally {
                set.lock.unlock();
            }
        });
    }

    @Override
    public int shmget(int key, long size, int shmflg) {
        return caller.call("shmget",
                () -> namespace().shmget(key, size, shmflg, caller.credentials(), caller.pid(), Limits.of(caller)));
    }

    @Override
    public SharedMemory shmat(int shmid, int shmflg) {
        return caller.call("shmat", () -> {
            ShmSegment segment = namespace().segment(shmid, "shmat");
            boolean readOnly = (shmflg & Ipc.SHM_RDONLY) != 0;
            segment.lock.lock();
            try {
                segment.perm.check(caller.credentials(), readOnly ? Perm.READ : Perm.READ | Perm.WRITE, "shmat");
                int pid = caller.pid();
                // A restored process attaching again takes back the attach it had at the checkpoint.
                Integer pending = segment.restored.get(pid);
                if (pending == null) {
                    segment.attaches.merge(pid, 1, Integer::sum);
                } else if (pending > 1) {
                    segment.restored.put(pid, pending - 1);
                } else {
                    segment.restored.remove(pid);
                }
                segment.atime = IpcObject.now();
                segment.lpid = pid;
            } finally {
                segment.lock.unlock();
            }
            return new Attachment(caller, namespace(), segment, readOnly);
        });
    }

    @Override
    public ShmidDs shmctl(int shmid, int cmd, ShmidDs buf) {
        return caller.call("shmctl", () -> {
            IpcNamespace namespace = namespace();
            ShmSegment segment = namespace.segment(shmid, "shmctl");
            switch (cmd) {
                case Ipc.IPC_STAT -> {
                    segment.lock.lock();
                    try {
                        segment.perm.check(caller.credentials(), Perm.READ, "shmctl(IPC_STAT)");
                        return segment.stat();
                    } finally {
                        segment.lock.unlock();
                    }
                }
                case Ipc.IPC_SET -> {
                    if (buf == null) {
                        throw new KernelException(Errno.EFAULT, "shmctl(IPC_SET): no shmid_ds given");
                    }
                    segment.lock.lock();
                    try {
                        segment.perm.checkOwner(caller.credentials(), "shmctl(IPC_SET)");
                        segment.perm.set(buf.perm());
                        segment.ctime = IpcObject.now();
                        return segment.stat();
                    } finally {
                        segment.lock.unlock();
                    }
                }
                case Ipc.IPC_RMID -> {
                    segment.lock.lock();
                    try {
                        segment.perm.checkOwner(caller.credentials(), "shmctl(IPC_RMID)");
                    } finally {
                        segment.lock.unlock();
                    }
                    namespace.removeSegment(segment);
                    return null;
                }
                default -> throw new KernelException(Errno.EINVAL, "shmctl: unknown command " + cmd);
            }
        });
    }
}
