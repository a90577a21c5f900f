package dev.haven.ipc;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Map;

import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.SectionInput;
import dev.haven.api.checkpoint.SectionOutput;
import dev.haven.api.firmware.IdSpace;
import dev.haven.api.ipc.Posix;
import dev.haven.api.kernel.KernelException;

/**
 * The {@code posix-ipc} section: a partition's POSIX objects with their names (unlinked ones too, while open),
 * owners, modes, times, last pids, semaphore values, queue attributes and messages (per priority, in arrival
 * order), shared memory contents, and every process's virtual handles and mappings. Writing is non-destructive:
 * queues are read, not drained. Restore follows the patent: register the wanted virtual object number and handles,
 * create a new real object (a fresh real id on the target node), overlay data and control information. Processes
 * waiting in sem_wait or in a full or empty queue are not recorded as waiters: they were woken at the freeze and
 * re-issue their call after the restart.
 *
 * <pre>
 * version 1:
 *   int objectSeq                                   next sequence of the virtual object numbers
 *   int objects, then per object:
 *     byte kind (0 sem, 1 mq, 2 shm), int id, string name, boolean unlinked,
 *     int uid, gid, cuid, cgid, mode, long ctime, mtime, int lpid, then
 *     sem: int value
 *     mq:  long maxmsg, msgsize, int priorities, then per priority (highest first):
 *          int priority, int messages, then per message: bytes data
 *     shm: bytes content
 *   int processes, then per process:
 *     int vpid, int handles, then per handle: int number, int object id, int access, boolean nonblock, int refs
 *     int mappings, then per mapping: long address, int object id, long length, int prot
 *
 * version 2: as version 1, but a shm object's content is a {@code content} (see {@link Content}): inline bytes,
 * or a reference to the copy a live migration made while the partition ran.
 * </pre>
 */
final class PosixSection {
    static final String NAME = "posix-ipc";
    static final int VERSION = 2;
    private static final int MAX_COUNT = VirtualIds.SLOTS * 64;
    private static final PosixKind[] KINDS = PosixKind.values();

    private PosixSection() {
    }

    /** Writes the section; with a live migration's copy, shm contents refer to it instead of being inline. */
    static void write(PosixNamespace namespace, SectionOutput out, PageCopy live) throws IOException {
        if (namespace == null) {
            out.writeInt(0);
            out.writeInt(0);
            out.writeInt(0);
            return;
        }
        synchronized (namespace) {
            out.writeInt(namespace.objectIds.nextSeq());
            out.writeInt(namespace.objects.size());
            for (PosixObject object : namespace.objects.values()) {
                object.lock.lock();
                try {
                    writeObject(object, out, live);
                } finally {
                    object.lock.unlock();
                }
            }
            out.writeInt(namespace.processes.size());
            for (Map.Entry<Integer, PosixNamespace.Process> process : namespace.processes.entrySet()) {
                out.writeInt(process.getKey());
                out.writeInt(process.getValue().handles.size());
                for (Map.Entry<Integer, PosixNamespace.Handle> handle : process.getValue().handles.entrySet()) {
                    out.writeInt(handle.getKey());
                    out.writeInt(handle.getValue().object.id);
                    out.writeInt(handle.getValue().access);
                    out.writeBoolean(handle.getValue().nonblock);
                    out.writeInt(handle.getValue().refs);
                }
                out.writeInt(process.getValue().mappings.size());
                for (Map.Entry<Long, PosixNamespace.MapEntry> mapping : process.getValue().mappings.entrySet()) {
                    out.writeLong(mapping.getKey());
                    out.writeInt(mapping.getValue().object().id);
                    out.writeLong(mapping.getValue().length());
                    out.writeInt(mapping.getValue().prot());
                }
            }
        }
    }

    private static void writeObject(PosixObject object, SectionOutput out, PageCopy live) throws IOException {
        PosixKind kind = PosixKind.of(object.kind());
        out.writeByte(kind.ordinal());
        out.writeInt(object.id);
        out.writeString(object.name);
        out.writeBoolean(object.unlinked);
        out.writeInt(object.perm.uid);
        out.writeInt(object.perm.gid);
        out.writeInt(object.perm.cuid);
        out.writeInt(object.perm.cgid);
        out.writeInt(object.perm.mode);
        out.writeLong(object.ctime);
        out.writeLong(object.mtime);
        out.writeInt(object.lpid);
        if (object instanceof PosixSem sem) {
            out.writeInt(sem.value);
        } else if (object instanceof PosixMq queue) {
            out.writeLong(queue.maxmsg);
            out.writeLong(queue.msgsize);
            out.writeInt(queue.messages.size());
            for (Map.Entry<Integer, ArrayDeque<byte[]>> priority : queue.messages.entrySet()) {
                out.writeInt(priority.getKey());
                out.writeInt(priority.getValue().size());
                for (byte[] message : priority.getValue()) {
                    out.writeBytes(message);
                }
            }
        } else {
            Content.write(out, (PosixShm) object, live);
        }
    }

    /** Fills a new namespace on the target node; every object gets a fresh real id there. */
    static PosixNamespace read(PosixNamespace namespace, SectionInput in, PosixLimits limits, int version,
            PageCopy.Registry live) throws IOException {
        try {
            int seq = in.readInt();
            int objects = count(in.readInt(), "objects");
            for (int i = 0; i < objects; i++) {
                PosixObject object = readObject(namespace, in, limits, version, live);
                if (namespace.objects.containsKey(object.id)) {
                    namespace.node.release(IdSpace.POSIX, object.realId);
                    throw corrupt("object " + object.id + " appears twice");
                }
                PosixKind kind = PosixKind.of(object.kind());
                if (!object.unlinked && namespace.names.get(kind).containsKey(object.name)) {
                    namespace.node.release(IdSpace.POSIX, object.realId);
                    throw corrupt("two " + kind.label + " objects are named " + object.name);
                }
                namespace.restore(kind, object, seq);
            }
            int processes = count(in.readInt(), "processes");
            for (int p = 0; p < processes; p++) {
                int vpid = in.readInt();
                int handles = count(in.readInt(), "handles");
                for (int h = 0; h < handles; h++) {
                    int number = in.readInt();
                    PosixObject object = object(namespace, in.readInt());
                    int access = in.readInt();
                    boolean nonblock = in.readBoolean();
                    int refs = in.readInt();
                    if (number < PosixNamespace.FIRST_HANDLE || (access & ~Posix.O_ACCMODE) != 0 || refs < 1) {
                        throw corrupt("handle " + number + " of vpid " + vpid + " is impossible");
                    }
                    PosixNamespace.Handle handle = new PosixNamespace.Handle(object, access, nonblock);
                    handle.refs = refs;
                    namespace.restoreHandle(vpid, number, handle);
                }
                int mappings = count(in.readInt(), "mappings");
                for (int m = 0; m < mappings; m++) {
                    long address = in.readLong();
                    PosixObject object = object(namespace, in.readInt());
                    long length = in.readLong();
                    int prot = in.readInt();
                    if (!(object instanceof PosixShm shm) || length <= 0 || (prot & ~(Posix.PROT_READ | Posix.PROT_WRITE)) != 0) {
                        throw corrupt("mapping 0x" + Long.toHexString(address) + " of vpid " + vpid + " is impossible");
                    }
                    namespace.restoreMapping(vpid, address, new PosixNamespace.MapEntry(shm, length, prot));
                }
            }
            for (PosixObject object : namespace.all()) {
                if (object.unlinked && object.opens == 0) {
                    throw corrupt(object.kind() + " " + object.name + " is unlinked and held by nobody");
                }
            }
            return namespace;
        } catch (IOException | RuntimeException e) {
            namespace.release();
            if (e instanceof KernelException bad) {
                throw corrupt(bad.getMessage());
            }
            throw e;
        }
    }

    private static PosixObject readObject(PosixNamespace namespace, SectionInput in, PosixLimits limits, int version,
            PageCopy.Registry live) throws IOException {
        int kindIndex = in.readByte();
        if (kindIndex < 0 || kindIndex >= KINDS.length) {
            throw corrupt("unknown object kind " + kindIndex);
        }
        PosixKind kind = KINDS[kindIndex];
        int id = in.readInt();
        if (id < 0) {
            throw corrupt("negative object number " + id);
        }
        String name = in.readString(Posix.NAME_MAX + 1);
        kind.checkName(name, "restore");
        boolean unlinked = in.readBoolean();
        Perm perm = new Perm(0, in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt());
        long ctime = in.readLong();
        long mtime = in.readLong();
        int lpid = in.readInt();
        // Everything is read before the real object is made, so a damaged section leaves no real id behind.
        PosixObject object;
        switch (kind) {
            case SEM -> {
                int value = in.readInt();
                if (value < 0) {
                    throw corrupt("semaphore " + name + " has value " + value);
                }
                object = new PosixSem(id, namespace.node.allocate(IdSpace.POSIX), name, perm, ctime, value);
            }
            case MQ -> {
                long maxmsg = in.readLong();
                long msgsize = in.readLong();
                if (maxmsg < 1 || msgsize < 1 || maxmsg > PosixLimits.HARD_MSGMAX || msgsize > PosixLimits.HARD_MSGSIZEMAX) {
                    throw corrupt("queue " + name + " has maxmsg " + maxmsg + " and msgsize " + msgsize);
                }
                Map<Integer, ArrayDeque<byte[]>> messages = new java.util.LinkedHashMap<>();
                long total = 0;
                int priorities = count(in.readInt(), "priorities");
                for (int p = 0; p < priorities; p++) {
                    int priority = in.readInt();
                    int count = count(in.readInt(), "messages");
                    total += count;
                    if (priority < 0 || priority >= Posix.MQ_PRIO_MAX || count < 1 || total > maxmsg
                            || messages.containsKey(priority)) {
                        throw corrupt("queue " + name + " has " + count + " messages of priority " + priority
                                + " that it cannot hold");
                    }
                    ArrayDeque<byte[]> queued = new ArrayDeque<>();
                    for (int m = 0; m < count; m++) {
                        queued.add(in.readBytes((int) msgsize));
                    }
                    messages.put(priority, queued);
                }
                PosixMq queue = new PosixMq(id, namespace.node.allocate(IdSpace.POSIX), name, perm, ctime, maxmsg, msgsize);
                messages.forEach((priority, queued) -> queued.forEach(data -> queue.add(data, priority)));
                object = queue;
            }
            default -> {
                byte[] content = version == 1 ? in.readBytes((int) limits.shmMax())
                        : Content.read(in, NAME, "shm " + name, limits.shmMax(), live);
                PosixShm shm = new PosixShm(id, namespace.node.allocate(IdSpace.POSIX), name, perm, ctime);
                shm.bytes = content;
                object = shm;
            }
        }
        object.unlinked = unlinked;
        object.mtime = mtime;
        object.lpid = lpid;
        return object;
    }

    private static PosixObject object(PosixNamespace namespace, int id) throws ImageException {
        PosixObject object = namespace.objects.get(id);
        if (object == null) {
            throw corrupt("a handle names object " + id + ", which the section does not have");
        }
        return object;
    }

    private static int count(int value, String what) throws ImageException {
        if (value < 0 || value > MAX_COUNT) {
            throw corrupt(what + " count " + value + " is impossible");
        }
        return value;
    }

    private static ImageException corrupt(String message) {
        return new ImageException(ImageException.Reason.CORRUPT, "section '" + NAME + "': " + message);
    }
}
