package dev.haven.ipc;

import java.time.Duration;
import java.time.Instant;

import dev.haven.api.accounting.Resource;
import dev.haven.api.ipc.MappedMemory;
import dev.haven.api.ipc.MqAttr;
import dev.haven.api.ipc.MqMessage;
import dev.haven.api.ipc.Posix;
import dev.haven.api.ipc.PosixIpc;
import dev.haven.api.ipc.PosixStat;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.SystemCalls;

/**
 * POSIX IPC as one process calls it: argument checks in the order Linux and glibc make them, then the namespace
 * and the object, every call through the freeze gate. Descriptors of the wrong kind fail as Linux's do: EBADF for
 * file descriptors, EINVAL for a {@code sem_t}, ENODEV for mmap of a queue.
 */
final class PosixIpcImpl implements PosixIpc {
    private final SystemCalls caller;
    private final PosixVirtualizer virtualizer;

    PosixIpcImpl(SystemCalls caller, PosixVirtualizer virtualizer) {
        this.caller = caller;
        this.virtualizer = virtualizer;
    }

    private PosixNamespace namespace() {
        return virtualizer.namespace(caller);
    }

    private PosixLimits limits() {
        return PosixLimits.of(caller::limit);
    }

    /**
     * An absolute CLOCK_REALTIME timeout as a System.nanoTime deadline (never 0, which means "none"). A past one
     * gives a deadline already passed: the call fails with ETIMEDOUT only if it would have to wait.
     */
    private static long deadline(Instant abstime, boolean negativeIsInvalid, String call) {
        if (abstime == null || (negativeIsInvalid && abstime.getEpochSecond() < 0)) {
            throw new KernelException(Errno.EINVAL, call + ": invalid absolute timeout " + abstime);
        }
        // bounded to a quarter of the long range, so System.nanoTime arithmetic on the deadline never wraps
        long bound = Long.MAX_VALUE / 4;
        long left;
        try {
            left = Math.max(-bound, Math.min(bound, Duration.between(Instant.now(), abstime).toNanos()));
        } catch (ArithmeticException far) {
            left = abstime.isAfter(Instant.now()) ? bound : -bound;
        }
        long deadline = System.nanoTime() + left;
        return deadline == 0 ? 1 : deadline;
    }

    // ---- semaphores

    @Override
    public int semOpen(String name, int oflag, int mode, int value) {
        return caller.call("sem_open", () -> {
            PosixKind.SEM.checkName(name, "sem_open");
            PosixNamespace namespace = namespace();
            return namespace.open(PosixKind.SEM, name, oflag, caller.credentials(), caller.pid(), limits(),
                    Perm.READ | Perm.WRITE, "sem_open", new PosixNamespace.Creation() {
                        @Override
                        public void validate() {
                            // value is an unsigned int in C: a negative one is above SEM_VALUE_MAX there
                            if (value < 0) {
                                throw new KernelException(Errno.EINVAL, "sem_open: value " + Integer.toUnsignedString(value)
                                        + " is more than SEM_VALUE_MAX");
                            }
                        }

                        @Override
                        public PosixObject create(int id, int realId) {
                            return new PosixSem(id, realId, name, Perm.created(0, caller.credentials(), mode),
                                    IpcObject.now(), value);
                        }
                    });
        });
    }

    private PosixSem sem(int sem, String call) {
        return (PosixSem) namespace().handle(caller.pid(), sem, PosixKind.SEM, Errno.EINVAL, call).object;
    }

    @Override
    public void semWait(int sem) {
        caller.call("sem_wait", () -> {
            sem(sem, "sem_wait").take(caller, "sem_wait", false, 0);
            return null;
        });
    }

    @Override
    public void semTrywait(int sem) {
        caller.call("sem_trywait", () -> {
            sem(sem, "sem_trywait").take(caller, "sem_trywait", true, 0);
            return null;
        });
    }

    @Override
    public void semTimedwait(int sem, Instant abstime) {
        caller.call("sem_timedwait", () -> {
            PosixSem semaphore = sem(sem, "sem_timedwait");
            semaphore.take(caller, "sem_timedwait", false, deadline(abstime, false, "sem_timedwait"));
            return null;
        });
    }

    @Override
    public void semPost(int sem) {
        caller.call("sem_post", () -> {
            sem(sem, "sem_post").post(caller);
            return null;
        });
    }

    @Override
    public int semGetvalue(int sem) {
        return caller.call("sem_getvalue", () -> {
            PosixSem semaphore = sem(sem, "sem_getvalue");
            semaphore.lock.lock();
            try {
                return semaphore.value;
            } finally {
                semaphore.lock.unlock();
            }
        });
    }

    @Override
    public void semClose(int sem) {
        caller.call("sem_close", () -> {
            namespace().close(caller.pid(), sem, PosixKind.SEM, Errno.EINVAL, "sem_close");
            return null;
        });
    }

    @Override
    public void semUnlink(String name) {
        caller.call("sem_unlink", () -> {
            PosixKind.SEM.checkName(name, "sem_unlink");
            namespace().unlink(PosixKind.SEM, name, caller.credentials(), "sem_unlink");
            return null;
        });
    }

    // ---- message queues

    @Override
    public int mqOpen(String name, int oflag, int mode, MqAttr attr) {
        return caller.call("mq_open", () -> {
            PosixKind.MQ.checkName(name, "mq_open");
            int access = oflag & Posix.O_ACCMODE;
            if (access == Posix.O_ACCMODE) {
                throw new KernelException(Errno.EINVAL, "mq_open: oflag has both O_WRONLY and O_RDWR");
            }
            int requested = access == Posix.O_RDONLY ? Perm.READ : access == Posix.O_WRONLY ? Perm.WRITE : Perm.READ | Perm.WRITE;
            PosixLimits limits = limits();
            boolean privileged = caller.credentials().privileged();
            long maxmsg = attr == null ? limits.msgDefault() : attr.maxmsg();
            long msgsize = attr == null ? limits.msgsizeDefault() : attr.msgsize();
            PosixNamespace namespace = namespace();
            return namespace.open(PosixKind.MQ, name, oflag, caller.credentials(), caller.pid(), limits, requested,
                    "mq_open", new PosixNamespace.Creation() {
                        @Override
                        public void validate() {
                            if (maxmsg <= 0 || msgsize <= 0) {
                                throw new KernelException(Errno.EINVAL, "mq_open: mq_maxmsg " + maxmsg + " and mq_msgsize "
                                        + msgsize + " must both be positive");
                            }
                            long msgMax = privileged ? PosixLimits.HARD_MSGMAX : limits.msgMax();
                            long msgsizeMax = privileged ? PosixLimits.HARD_MSGSIZEMAX : limits.msgsizeMax();
                            if (maxmsg > msgMax || msgsize > msgsizeMax) {
                                throw new KernelException(Errno.EINVAL, "mq_open: mq_maxmsg " + maxmsg + " or mq_msgsize "
                                        + msgsize + " is above the partition's limit (mqueue.msg_max " + msgMax
                                        + ", mqueue.msgsize_max " + msgsizeMax + ")");
                            }
                            if (!privileged && namespace.queues() >= limits.queuesMax()) {
                                throw new KernelException(Errno.ENOSPC, "mq_open: the partition has "
                                        + limits.queuesMax() + " queues, its limit (mqueue.queues_max)");
                            }
                        }

                        @Override
                        public PosixObject create(int id, int realId) {
                            return new PosixMq(id, realId, name, Perm.created(0, caller.credentials(), mode), IpcObject.now(),
                                    maxmsg, msgsize);
                        }
                    });
        });
    }

    private PosixNamespace.Handle mq(int mqd, String call) {
        return namespace().handle(caller.pid(), mqd, PosixKind.MQ, Errno.EBADF, call);
    }

    @Override
    public void mqSend(int mqd, byte[] message, int priority) {
        send("mq_send", mqd, message, priority, false, null);
    }

    @Override
    public void mqTimedsend(int mqd, byte[] message, int priority, Instant abstime) {
        send("mq_timedsend", mqd, message, priority, true, abstime);
    }

    private static void checkPriority(int priority, String call) {
        if (priority < 0 || priority >= Posix.MQ_PRIO_MAX) {
            throw new KernelException(Errno.EINVAL, call + ": priority " + Integer.toUnsignedString(priority)
                    + " is not below MQ_PRIO_MAX " + Posix.MQ_PRIO_MAX);
        }
    }

    private void send(String call, int mqd, byte[] message, int priority, boolean timed, Instant abstime) {
        caller.call(call, () -> {
            checkPriority(priority, call);
            long deadline = timed ? deadline(abstime, true, call) : 0;
            PosixNamespace.Handle handle = mq(mqd, call);
            if (!handle.writable()) {
                throw new KernelException(Errno.EBADF, call + ": descriptor " + mqd + " is not open for writing");
            }
            if (message == null) {
                throw new KernelException(Errno.EFAULT, call + ": no message given");
            }
            PosixMq queue = (PosixMq) handle.object;
            if (message.length > queue.msgsize) {
                throw new KernelException(Errno.EMSGSIZE, call + ": " + message.length + " bytes is more than the queue's"
                        + " mq_msgsize " + queue.msgsize);
            }
            queue.send(caller, call, message, priority, handle.nonblock, deadline);
            caller.usage(Resource.IPC_MSGS_OUT, 1);
            caller.usage(Resource.IPC_BYTES_OUT, message.length);
            return null;
        });
    }

    @Override
    public MqMessage mqReceive(int mqd, int msgLen) {
        return receive("mq_receive", mqd, msgLen, false, null);
    }

    @Override
    public MqMessage mqTimedreceive(int mqd, int msgLen, Instant abstime) {
        return receive("mq_timedreceive", mqd, msgLen, true, abstime);
    }

    private MqMessage receive(String call, int mqd, int msgLen, boolean timed, Instant abstime) {
        return caller.call(call, () -> {
            long deadline = timed ? deadline(abstime, true, call) : 0;
            PosixNamespace.Handle handle = mq(mqd, call);
            if (!handle.readable()) {
                throw new KernelException(Errno.EBADF, call + ": descriptor " + mqd + " is not open for reading");
            }
            PosixMq queue = (PosixMq) handle.object;
            if (msgLen < queue.msgsize) {
                throw new KernelException(Errno.EMSGSIZE, call + ": msg_len " + msgLen + " is less than the queue's"
                        + " mq_msgsize " + queue.msgsize);
            }
            MqMessage received = queue.receive(caller, call, handle.nonblock, deadline);
            caller.usage(Resource.IPC_MSGS_IN, 1);
            caller.usage(Resource.IPC_BYTES_IN, received.data().length);
            return received;
        });
    }

    @Override
    public MqAttr mqGetattr(int mqd) {
        return caller.call("mq_getattr", () -> attr(mq(mqd, "mq_getattr")));
    }

    private static MqAttr attr(PosixNamespace.Handle handle) {
        PosixMq queue = (PosixMq) handle.object;
        queue.lock.lock();
        try {
            return new MqAttr(handle.nonblock ? Posix.O_NONBLOCK : 0, queue.maxmsg, queue.msgsize, queue.curmsgs);
        } finally {
            queue.lock.unlock();
        }
    }

    @Override
    public MqAttr mqSetattr(int mqd, MqAttr attr) {
        return caller.call("mq_setattr", () -> {
            if (attr == null) {
                throw new KernelException(Errno.EFAULT, "mq_setattr: no attributes given");
            }
            if ((attr.flags() & ~Posix.O_NONBLOCK) != 0) {
                throw new KernelException(Errno.EINVAL, "mq_setattr: flags 0" + Long.toOctalString(attr.flags())
                        + " has more than O_NONBLOCK");
            }
            PosixNamespace.Handle handle = mq(mqd, "mq_setattr");
            MqAttr old = attr(handle);
            handle.nonblock = attr.flags() != 0;
            return old;
        });
    }

    /** glibc's mq_close is close(2): any descriptor, as Linux has it, but not a sem_t. */
    @Override
    public void mqClose(int mqd) {
        caller.call("mq_close", () -> {
            descriptor(mqd, "mq_close");
            namespace().close(caller.pid(), mqd, null, Errno.EBADF, "mq_close");
            return null;
        });
    }

    @Override
    public void mqUnlink(String name) {
        caller.call("mq_unlink", () -> {
            PosixKind.MQ.checkName(name, "mq_unlink");
            namespace().unlink(PosixKind.MQ, name, caller.credentials(), "mq_unlink");
            return null;
        });
    }

    // ---- shared memory

    @Override
    public int shmOpen(String name, int oflag, int mode) {
        return caller.call("shm_open", () -> {
            PosixKind.SHM.checkName(name, "shm_open");
            int access = oflag & Posix.O_ACCMODE;
            if (access == Posix.O_ACCMODE) {
                throw new KernelException(Errno.EINVAL, "shm_open: oflag has both O_WRONLY and O_RDWR");
            }
            boolean truncate = (oflag & Posix.O_TRUNC) != 0;
            int requested = (access == Posix.O_WRONLY ? 0 : Perm.READ) | (access != Posix.O_RDONLY || truncate ? Perm.WRITE : 0);
            PosixNamespace namespace = namespace();
            PosixLimits limits = limits();
            int fd = namespace.open(PosixKind.SHM, name, oflag, caller.credentials(), caller.pid(), limits, requested,
                    "shm_open", new PosixNamespace.Creation() {
                        @Override
                        public void validate() {
                        }

                        @Override
                        public PosixObject create(int id, int realId) {
                            return new PosixShm(id, realId, name, Perm.created(0, caller.credentials(), mode), IpcObject.now());
                        }
                    });
            if (truncate) {
                PosixShm object = (PosixShm) namespace.handle(caller.pid(), fd, PosixKind.SHM, Errno.EBADF, "shm_open").object;
                namespace.truncate(object, 0, caller.pid(), limits, "shm_open");
            }
            return fd;
        });
    }

    /** A descriptor (not a sem_t): EBADF for anything else. */
    private PosixNamespace.Handle descriptor(int fd, String call) {
        PosixNamespace.Handle handle = namespace().handle(caller.pid(), fd, null, Errno.EBADF, call);
        if (handle.object instanceof PosixSem) {
            throw new KernelException(Errno.EBADF, call + ": " + fd + " is a semaphore, not a descriptor");
        }
        return handle;
    }

    @Override
    public void ftruncate(int fd, long length) {
        caller.call("ftruncate", () -> {
            if (length < 0) {
                throw new KernelException(Errno.EINVAL, "ftruncate: negative length " + length);
            }
            PosixNamespace.Handle handle = descriptor(fd, "ftruncate");
            if (!(handle.object instanceof PosixShm object)) {
                throw new KernelException(Errno.EINVAL, "ftruncate: descriptor " + fd + " is a message queue");
            }
            if (!handle.writable()) {
                throw new KernelException(Errno.EINVAL, "ftruncate: descriptor " + fd + " is not open for writing");
            }
            namespace().truncate(object, length, caller.pid(), limits(), "ftruncate");
            return null;
        });
    }

    @Override
    public PosixStat fstat(int fd) {
        return caller.call("fstat", () -> {
            PosixObject object = descriptor(fd, "fstat").object;
            object.lock.lock();
            try {
                long size = object instanceof PosixShm shm ? shm.bytes.length : ((PosixMq) object).bytes;
                return new PosixStat(object.perm.mode, object.perm.uid, object.perm.gid, size, object.ctime, object.mtime);
            } finally {
                object.lock.unlock();
            }
        });
    }

    @Override
    public MappedMemory mmap(int fd, long length, int prot) {
        return caller.call("mmap", () -> {
            PosixNamespace.Handle handle = descriptor(fd, "mmap");
            if (length <= 0 || (prot & ~(Posix.PROT_READ | Posix.PROT_WRITE)) != 0) {
                throw new KernelException(Errno.EINVAL, "mmap: length " + length + " or prot " + prot + " is invalid");
            }
            if (length > Integer.MAX_VALUE - 8) {
                throw new KernelException(Errno.ENOMEM, "mmap: " + length + " bytes cannot be mapped");
            }
            if (!handle.readable() || ((prot & Posix.PROT_WRITE) != 0 && !handle.writable())) {
                throw new KernelException(Errno.EACCES, "mmap: descriptor " + fd + " is not open for "
                        + (handle.readable() ? "writing, which PROT_WRITE with MAP_SHARED needs" : "reading"));
            }
            if (!(handle.object instanceof PosixShm object)) {
                throw new KernelException(Errno.ENODEV, "mmap: descriptor " + fd + " is a message queue, which cannot be mapped");
            }
            PosixNamespace namespace = namespace();
            long address = namespace.map(caller.pid(), object, length, prot);
            return new Mapping(caller, namespace, address);
        });
    }

    @Override
    public MappedMemory mapping(long address) {
        return caller.call("mapping", () -> {
            PosixNamespace namespace = namespace();
            namespace.mapping(caller.pid(), address, "mapping");
            return new Mapping(caller, namespace, address);
        });
    }

    @Override
    public void close(int fd) {
        caller.call("close", () -> {
            descriptor(fd, "close");
            namespace().close(caller.pid(), fd, null, Errno.EBADF, "close");
            return null;
        });
    }

    @Override
    public void shmUnlink(String name) {
        caller.call("shm_unlink", () -> {
            PosixKind.SHM.checkName(name, "shm_unlink");
            namespace().unlink(PosixKind.SHM, name, caller.credentials(), "shm_unlink");
            return null;
        });
    }
}
