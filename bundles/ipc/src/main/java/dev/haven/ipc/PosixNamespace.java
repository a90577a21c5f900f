package dev.haven.ipc;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.haven.api.firmware.IdSpace;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.ipc.Posix;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;

/**
 * The POSIX IPC objects of one partition: names per kind, the objects (each backed by a real object with a real
 * id of the node kernel), and per process its virtual handles and mappings. Tables are guarded by this object's
 * monitor; an object's own state by its lock, taken after this monitor when both are needed.
 */
final class PosixNamespace {
    /** The first handle a process gets: 0, 1 and 2 are its standard streams. */
    static final int FIRST_HANDLE = 3;
    /** Where a process's mappings start, and how far apart they lie. */
    static final long MAP_BASE = 0x7f00_0000_0000L;
    static final long MAP_STRIDE = 1L << 32;

    /** One open of an object by a process: {@code mqd_t}, a descriptor, or a {@code sem_t}. */
    static final class Handle {
        final PosixObject object;
        /** {@code O_RDONLY}, {@code O_WRONLY} or {@code O_RDWR}. */
        final int access;
        /** The description's O_NONBLOCK, which mq_setattr changes. */
        volatile boolean nonblock;
        /** sem_open of a semaphore the process has open already counts here; guarded by the namespace. */
        int refs = 1;

        Handle(PosixObject object, int access, boolean nonblock) {
            this.object = object;
            this.access = access;
            this.nonblock = nonblock;
        }

        boolean readable() {
            return access != Posix.O_WRONLY;
        }

        boolean writable() {
            return access != Posix.O_RDONLY;
        }
    }

    /** One mmap of a shared memory object. */
    record MapEntry(PosixShm object, long length, int prot) {
    }

    /** A process's handles and mappings, by number and by address. */
    static final class Process {
        final TreeMap<Integer, Handle> handles = new TreeMap<>();
        final TreeMap<Long, MapEntry> mappings = new TreeMap<>();
    }

    final String partition;
    final NodeKernel node;
    final Map<PosixKind, Map<String, PosixObject>> names = new EnumMap<>(PosixKind.class);
    final Map<Integer, PosixObject> objects = new TreeMap<>();
    final VirtualIds objectIds = new VirtualIds();
    final Map<Integer, Process> processes = new TreeMap<>();
    private int openHandles;

    PosixNamespace(String partition, NodeKernel node) {
        this.partition = partition;
        this.node = node;
        for (PosixKind kind : PosixKind.values()) {
            names.put(kind, new TreeMap<>());
        }
    }

    /** What a new object needs once its ids are known; it validates its arguments before any id is taken. */
    interface Creation {
        void validate();

        PosixObject create(int id, int realId);
    }

    /**
     * The shared shape of sem_open, mq_open and shm_open: the handle limits first, then lookup, O_CREAT and O_EXCL, the
     * permission check, a new object or the existing one, a new handle (a semaphore already open in the process
     * gives its handle again).
     */
    synchronized int open(PosixKind kind, String name, int oflag, Credentials caller, int vpid, PosixLimits limits,
            int requested, String call, Creation creation) {
        // a process's table is kept only once it holds something, so a failed open leaves nothing behind
        Process process = processes.getOrDefault(vpid, new Process());
        // Linux takes the descriptor before it looks the name up (glibc's sem_open too, even for a semaphore it maps already)
        checkHandleLimits(process, limits, call);
        PosixObject object = names.get(kind).get(name);
        if (object != null) {
            if ((oflag & (Posix.O_CREAT | Posix.O_EXCL)) == (Posix.O_CREAT | Posix.O_EXCL)) {
                throw new KernelException(Errno.EEXIST, call + ": " + name + " exists and O_CREAT|O_EXCL was given");
            }
            object.lock.lock();
            try {
                object.perm.check(caller, requested, call);
            } finally {
                object.lock.unlock();
            }
            if (kind == PosixKind.SEM) {
                for (Map.Entry<Integer, Handle> open : process.handles.entrySet()) {
                    if (open.getValue().object == object) {
                        open.getValue().refs++;
                        return open.getKey();
                    }
                }
            }
        } else {
            if ((oflag & Posix.O_CREAT) == 0) {
                throw new KernelException(Errno.ENOENT, call + ": there is no " + name + " and O_CREAT was not given");
            }
            creation.validate();
            int id = objectIds.allocate(VirtualIds.SLOTS, call);
            int realId;
            try {
                realId = node.allocate(IdSpace.POSIX);
            } catch (RuntimeException e) {
                objectIds.release(id);
                throw new KernelException(Errno.ENOSPC, call + ": the node kernel has no free POSIX id: " + e.getMessage());
            }
            object = creation.create(id, realId);
            objects.put(id, object);
            names.get(kind).put(name, object);
        }
        processes.putIfAbsent(vpid, process);
        return addHandle(process, new Handle(object, oflag & Posix.O_ACCMODE, (oflag & Posix.O_NONBLOCK) != 0));
    }

    private void checkHandleLimits(Process process, PosixLimits limits, String call) {
        if (process.handles.size() >= limits.nofile()) {
            throw new KernelException(Errno.EMFILE, call + ": the process has " + process.handles.size()
                    + " handles open, its limit (posix.nofile)");
        }
        if (openHandles >= limits.files()) {
            throw new KernelException(Errno.ENFILE, call + ": the partition has " + openHandles
                    + " handles open, its limit (posix.files)");
        }
    }

    private int addHandle(Process process, Handle handle) {
        int number = FIRST_HANDLE;
        for (int used : process.handles.keySet()) {
            if (used != number) {
                break;
            }
            number++;
        }
        process.handles.put(number, handle);
        handle.object.opens++;
        openHandles++;
        return number;
    }

    /** The handle, which must be of this kind: else {@code wrongKind} (EBADF for descriptors, EINVAL for sem_t). */
    synchronized Handle handle(int vpid, int number, PosixKind kind, Errno wrongKind, String call) {
        Process process = processes.get(vpid);
        Handle handle = process == null ? null : process.handles.get(number);
        if (handle == null || (kind != null && !handle.object.kind().equals(kind.label))) {
            throw new KernelException(wrongKind, call + ": " + number + " is not an open " + (kind == null ? "descriptor"
                    : kind.prefix + " handle") + " of this process");
        }
        return handle;
    }

    /** Closes one open of a handle; the object goes with its last handle and mapping once unlinked. */
    synchronized void close(int vpid, int number, PosixKind kind, Errno wrongKind, String call) {
        Handle handle = handle(vpid, number, kind, wrongKind, call);
        if (--handle.refs > 0) {
            return;
        }
        processes.get(vpid).handles.remove(number);
        openHandles--;
        drop(handle.object);
        forgetIfEmpty(vpid);
    }

    private void forgetIfEmpty(int vpid) {
        Process process = processes.get(vpid);
        if (process.handles.isEmpty() && process.mappings.isEmpty()) {
            processes.remove(vpid);
        }
    }

    synchronized void unlink(PosixKind kind, String name, Credentials caller, String call) {
        PosixObject object = names.get(kind).get(name);
        if (object == null) {
            throw new KernelException(Errno.ENOENT, call + ": there is no " + name);
        }
        object.lock.lock();
        try {
            // The directories are sticky: Linux says EPERM, which glibc turns into EACCES for these calls.
            if (!object.perm.owns(caller)) {
                throw new KernelException(Errno.EACCES, call + ": uid " + caller.uid() + " does not own " + name);
            }
        } finally {
            object.lock.unlock();
        }
        names.get(kind).remove(name);
        object.unlinked = true;
        if (object.opens == 0) {
            destroy(object);
        }
    }

    /** ftruncate: the length of all objects together is bounded by the partition. */
    synchronized void truncate(PosixShm object, long length, int pid, PosixLimits limits, String call) {
        if (length > limits.shmMax()) {
            throw new KernelException(Errno.EFBIG, call + ": " + length + " bytes is more than posix.shm_max "
                    + limits.shmMax());
        }
        long others = objects.values().stream().filter(o -> o instanceof PosixShm && o != object)
                .mapToLong(o -> ((PosixShm) o).bytes.length).sum();
        if (others + length > limits.shmTotal()) {
            throw new KernelException(Errno.ENOSPC, call + ": the partition's shared memory objects would exceed "
                    + "posix.shm_total " + limits.shmTotal() + " bytes");
        }
        object.lock.lock();
        try {
            object.bytes = java.util.Arrays.copyOf(object.bytes, (int) length);
            if (object.dirty() != null) {
                // a migration copying it must take it whole again, at its new length
                object.dirty(new DirtyPages(length));
            }
            object.touch(pid);
            object.ctime = object.mtime;
        } finally {
            object.lock.unlock();
        }
    }

    synchronized long map(int vpid, PosixShm object, long length, int prot) {
        Process process = processes.getOrDefault(vpid, new Process());
        long address = MAP_BASE;
        while (process.mappings.containsKey(address)) {
            address += MAP_STRIDE;
        }
        process.mappings.put(address, new MapEntry(object, length, prot));
        object.opens++;
        object.mappings++;
        return address;
    }

    synchronized MapEntry mapping(int vpid, long address, String call) {
        Process process = processes.get(vpid);
        MapEntry entry = process == null ? null : process.mappings.get(address);
        if (entry == null) {
            throw new KernelException(Errno.EINVAL, call + ": no mapping of this process at 0x" + Long.toHexString(address));
        }
        return entry;
    }

    synchronized void unmap(int vpid, long address, String call) {
        MapEntry entry = mapping(vpid, address, call);
        processes.get(vpid).mappings.remove(address);
        entry.object().mappings--;
        drop(entry.object());
        forgetIfEmpty(vpid);
    }

    /** A process ended: its handles are closed and its mappings unmapped, as exit(2) does. */
    synchronized void exit(int vpid) {
        Process process = processes.remove(vpid);
        if (process == null) {
            return;
        }
        for (Handle handle : process.handles.values()) {
            openHandles--;
            drop(handle.object);
        }
        for (MapEntry entry : process.mappings.values()) {
            entry.object().mappings--;
            drop(entry.object());
        }
    }

    private void drop(PosixObject object) {
        if (--object.opens == 0 && object.unlinked) {
            destroy(object);
        }
    }

    private void destroy(PosixObject object) {
        objects.remove(object.id);
        objectIds.release(object.id);
        node.release(IdSpace.POSIX, object.realId);
    }

    /** Registers an object restored from an image under its old virtual number, with its name unless unlinked. */
    synchronized void restore(PosixKind kind, PosixObject object, int nextSeq) {
        objectIds.register(object.id, nextSeq);
        objects.put(object.id, object);
        if (!object.unlinked) {
            names.get(kind).put(object.name, object);
        }
    }

    /** Restores one handle of a process under its old number. */
    synchronized void restoreHandle(int vpid, int number, Handle handle) {
        processes.computeIfAbsent(vpid, v -> new Process()).handles.put(number, handle);
        handle.object.opens++;
        openHandles++;
    }

    synchronized void restoreMapping(int vpid, long address, MapEntry entry) {
        processes.computeIfAbsent(vpid, v -> new Process()).mappings.put(address, entry);
        entry.object().opens++;
        entry.object().mappings++;
    }

    synchronized List<PosixObject> all() {
        return new ArrayList<>(objects.values());
    }

    /** Who holds an object, as {@code vpid:handle} and {@code vpid:@address}. */
    synchronized List<String> holders(PosixObject object) {
        List<String> holders = new ArrayList<>();
        processes.forEach((vpid, process) -> {
            process.handles.forEach((number, handle) -> {
                if (handle.object == object) {
                    holders.add(vpid + ":" + number);
                }
            });
            process.mappings.forEach((address, entry) -> {
                if (entry.object() == object) {
                    holders.add(vpid + ":@0x" + Long.toHexString(address));
                }
            });
        });
        return holders;
    }

    /** The partition stopped or its node failed: waiters fail, every real id goes back (a dead node ignores it). */
    synchronized void release() {
        for (PosixObject object : objects.values()) {
            object.lock.lock();
            try {
                object.removed = true;
                object.changed.signalAll();
            } finally {
                object.lock.unlock();
            }
            node.release(IdSpace.POSIX, object.realId);
        }
        objects.clear();
        names.values().forEach(Map::clear);
        processes.clear();
        openHandles = 0;
    }

    /** How many queues the partition has, unlinked ones included (they still count against queues_max on Linux). */
    synchronized long queues() {
        return objects.values().stream().filter(o -> o instanceof PosixMq).count();
    }
}
