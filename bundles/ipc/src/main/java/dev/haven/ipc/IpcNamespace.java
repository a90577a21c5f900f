package dev.haven.ipc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.haven.api.firmware.IdSpace;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.ipc.Ipc;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;

/**
 * The System V IPC objects of one partition, by virtual id, each mapped to a real object with a real id
 * of the node kernel. Tables are guarded by this object's monitor; an object's own state by its lock,
 * taken after this monitor when both are needed.
 */
final class IpcNamespace {
    final String partition;
    final NodeKernel node;
    /** The partition's limits when the namespace was made; what exit-time undo needs without a caller. */
    final Limits limits;
    final Map<Integer, MsgQueue> queues = new TreeMap<>();
    final Map<Integer, SemSet> semaphores = new TreeMap<>();
    final Map<Integer, ShmSegment> segments = new TreeMap<>();
    final VirtualIds msgIds = new VirtualIds();
    final VirtualIds semIds = new VirtualIds();
    final VirtualIds shmIds = new VirtualIds();

    IpcNamespace(String partition, NodeKernel node, Limits limits) {
        this.partition = partition;
        this.node = node;
        this.limits = limits;
    }

    /** The shared shape of msgget, semget and shmget: key lookup, IPC_CREAT, IPC_EXCL, the permission check. */
    private <T extends IpcObject> T lookupOrCreate(Map<Integer, T> table, int key, int flags, Credentials caller, String call,
            java.util.function.Supplier<T> create, java.util.function.Consumer<T> validateExisting) {
        if (key != Ipc.IPC_PRIVATE) {
            for (T object : table.values()) {
                if (!object.removed && object.perm.key == key) {
                    if ((flags & Ipc.IPC_CREAT) != 0 && (flags & Ipc.IPC_EXCL) != 0) {
                        throw new KernelException(Errno.EEXIST, call + ": key 0x" + Integer.toHexString(key)
                                + " exists and IPC_CREAT|IPC_EXCL was given");
                    }
                    object.perm.check(caller, flags & 0777, call);
                    validateExisting.accept(object);
                    return object;
                }
            }
            if ((flags & Ipc.IPC_CREAT) == 0) {
                throw new KernelException(Errno.ENOENT, call + ": no object with key 0x" + Integer.toHexString(key)
                        + " and IPC_CREAT was not given");
            }
        }
        return create.get();
    }

    synchronized int msgget(int key, int flags, Credentials caller, Limits limits) {
        return lookupOrCreate(queues, key, flags, caller, "msgget", () -> {
            int id = msgIds.allocate(limits.msgmni(), "msgget");
            MsgQueue queue = new MsgQueue(id, realId(IdSpace.MSG, msgIds, id), Perm.created(key, caller, flags),
                    limits.msgmnb(), IpcObject.now());
            queues.put(id, queue);
            return queue;
        }, existing -> {
        }).id;
    }

    synchronized int semget(int key, int nsems, int flags, Credentials caller, Limits limits) {
        if (nsems < 0 || nsems > limits.semmsl()) {
            throw new KernelException(Errno.EINVAL, "semget: nsems " + nsems + " is outside 0.." + limits.semmsl());
        }
        return lookupOrCreate(semaphores, key, flags, caller, "semget", () -> {
            if (nsems == 0) {
                throw new KernelException(Errno.EINVAL, "semget: a new set needs at least one semaphore");
            }
            long total = semaphores.values().stream().mapToLong(set -> set.values.length).sum();
            if (total + nsems > limits.semmns()) {
                throw new KernelException(Errno.ENOSPC, "semget: the partition's semmns of " + limits.semmns() + " is reached");
            }
            int id = semIds.allocate(limits.semmni(), "semget");
            SemSet set = new SemSet(id, realId(IdSpace.SEM, semIds, id), Perm.created(key, caller, flags), nsems, IpcObject.now());
            semaphores.put(id, set);
            return set;
        }, existing -> {
            if (nsems > existing.values.length) {
                throw new KernelException(Errno.EINVAL, "semget: the set of key 0x" + Integer.toHexString(key) + " has "
                        + existing.values.length + " semaphores, fewer than " + nsems);
            }
        }).id;
    }

    synchronized int shmget(int key, long size, int flags, Credentials caller, int pid, Limits limits) {
        return lookupOrCreate(segments, key, flags, caller, "shmget", () -> {
            if (size < 1 || size > limits.shmmax()) {
                throw new KernelException(Errno.EINVAL, "shmget: size " + size + " is outside 1.." + limits.shmmax() + " (shmmax)");
            }
            long pages = segments.values().stream().mapToLong(s -> pages(s.bytes.length)).sum();
            if (pages + pages(size) > limits.shmall()) {
                throw new KernelException(Errno.ENOSPC, "shmget: the partition's shmall of " + limits.shmall()
                        + " pages is reached");
            }
            int id = shmIds.allocate(limits.shmmni(), "shmget");
            ShmSegment segment = new ShmSegment(id, realId(IdSpace.SHM, shmIds, id), Perm.created(key, caller, flags),
                    (int) size, pid, IpcObject.now());
            segments.put(id, segment);
            return segment;
        }, existing -> {
            if (size > existing.bytes.length) {
                throw new KernelException(Errno.EINVAL, "shmget: the segment of key 0x" + Integer.toHexString(key)
                        + " has " + existing.bytes.length + " bytes, fewer than " + size);
            }
        }).id;
    }

    private static long pages(long bytes) {
        return (bytes + Limits.PAGE - 1) / Limits.PAGE;
    }

    private int realId(IdSpace space, VirtualIds ids, int virtualId) {
        try {
            return node.allocate(space);
        } catch (RuntimeException e) {
            ids.release(virtualId);
            throw new KernelException(Errno.ENOSPC, "the node kernel has no free " + space + " id: " + e.getMessage());
        }
    }

    synchronized MsgQueue queue(int id, String call) {
        return existing(queues, id, call);
    }

    synchronized SemSet semaphores(int id, String call) {
        return existing(semaphores, id, call);
    }

    synchronized ShmSegment segment(int id, String call) {
        return existing(segments, id, call);
    }

    private static <T extends IpcObject> T existing(Map<Integer, T> table, int id, String call) {
        T object = id < 0 ? null : table.get(id);
        if (object == null) {
            throw new KernelException(Errno.EINVAL, call + ": no object with id " + id);
        }
        return object;
    }

    /** IPC_RMID of a queue or a set: gone at once, its waiters fail with EIDRM. */
    synchronized void remove(IpcObject object) {
        object.lock.lock();
        try {
            object.removed = true;
            object.changed.signalAll();
        } finally {
            object.lock.unlock();
        }
        if (object instanceof MsgQueue) {
            queues.remove(object.id);
            msgIds.release(object.id);
            node.release(IdSpace.MSG, object.realId);
        } else if (object instanceof SemSet) {
            semaphores.remove(object.id);
            semIds.release(object.id);
            node.release(IdSpace.SEM, object.realId);
        }
    }

    /** IPC_RMID of a segment: its key becomes private at once; it is destroyed at its last detach. */
    synchronized void removeSegment(ShmSegment segment) {
        segment.lock.lock();
        try {
            segment.removed = true;
            segment.perm.key = Ipc.IPC_PRIVATE;
            if (segment.nattch() > 0) {
                return;
            }
        } finally {
            segment.lock.unlock();
        }
        destroy(segment);
    }

    synchronized void destroy(ShmSegment segment) {
        segments.remove(segment.id);
        shmIds.release(segment.id);
        node.release(IdSpace.SHM, segment.realId);
    }

    synchronized List<IpcObject> all() {
        List<IpcObject> objects = new ArrayList<>();
        objects.addAll(queues.values());
        objects.addAll(semaphores.values());
        objects.addAll(segments.values());
        return objects;
    }

    /** The partition stopped or its node failed: every real id goes back (a dead node ignores it). */
    synchronized void release() {
        for (IpcObject object : all()) {
            object.lock.lock();
            try {
                object.removed = true;
                object.changed.signalAll();
            } finally {
                object.lock.unlock();
            }
            IdSpace space = object instanceof MsgQueue ? IdSpace.MSG : object instanceof SemSet ? IdSpace.SEM : IdSpace.SHM;
            node.release(space, object.realId);
        }
        queues.clear();
        semaphores.clear();
        segments.clear();
    }
}
