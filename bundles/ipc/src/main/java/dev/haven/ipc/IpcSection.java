package dev.haven.ipc;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.SectionInput;
import dev.haven.api.checkpoint.SectionOutput;
import dev.haven.api.firmware.IdSpace;
import dev.haven.api.ipc.Message;

/**
 * The {@code ipc} section: a partition's System V objects with their virtual ids, keys, permissions,
 * times, last pids, contents, semaphore values and undo adjustments, and queued messages in order.
 * Writing is non-destructive (queues are read, not drained). Restore follows the patent: register the
 * wanted virtual id, create a new real object (a fresh real id on the target node), overlay the data
 * and control information.
 *
 * <pre>
 * version 1:
 *   int msgSeq, int semSeq, int shmSeq                      next sequence of each virtual id space
 *   int queues, then per queue:
 *     int id, perm, long ctime, stime, rtime, qbytes, int lspid, lrpid,
 *     int messages, then per message: long type, bytes data
 *   int sets, then per set:
 *     int id, perm, long ctime, otime, int nsems, nsems x (int value, int pid),
 *     int undos, then per undo: int vpid, nsems x int adjustment
 *   int segments, then per segment:
 *     int id, perm, long ctime, atime, dtime, int cpid, lpid, boolean removed,
 *     int attachers, then per attacher: int vpid, int count, bytes content
 *   perm = int key, uid, gid, cuid, cgid, mode
 *
 * version 2: as version 1, but each segment's content is a {@code content} (see {@link Content}): inline bytes,
 * or a reference to the copy a live migration made while the partition ran.
 * </pre>
 */
final class IpcSection {
    static final String NAME = "ipc";
    static final int VERSION = 2;
    private static final int MAX_OBJECTS = VirtualIds.SLOTS;

    private IpcSection() {
    }

    /** Writes the section; with a live migration's copy, segments' contents refer to it instead of being inline. */
    static void write(IpcNamespace namespace, SectionOutput out, PageCopy live) throws IOException {
        if (namespace == null) {
            out.writeInt(0);
            out.writeInt(0);
            out.writeInt(0);
            out.writeInt(0);
            out.writeInt(0);
            out.writeInt(0);
            return;
        }
        synchronized (namespace) {
            out.writeInt(namespace.msgIds.nextSeq());
            out.writeInt(namespace.semIds.nextSeq());
            out.writeInt(namespace.shmIds.nextSeq());
            out.writeInt(namespace.queues.size());
            for (MsgQueue queue : namespace.queues.values()) {
                queue.lock.lock();
                try {
                    out.writeInt(queue.id);
                    writePerm(out, queue.perm);
                    out.writeLong(queue.ctime);
                    out.writeLong(queue.stime);
                    out.writeLong(queue.rtime);
                    out.writeLong(queue.qbytes);
                    out.writeInt(queue.lspid);
                    out.writeInt(queue.lrpid);
                    List<Message> messages = queue.copyOfMessages();
                    out.writeInt(messages.size());
                    for (Message message : messages) {
                        out.writeLong(message.type());
                        out.writeBytes(message.data());
                    }
                } finally {
                    queue.lock.unlock();
                }
            }
            out.writeInt(namespace.semaphores.size());
            for (SemSet set : namespace.semaphores.values()) {
                set.lock.lock();
                try {
                    out.writeInt(set.id);
                    writePerm(out, set.perm);
                    out.writeLong(set.ctime);
                    out.writeLong(set.otime);
                    out.writeInt(set.values.length);
                    for (int num = 0; num < set.values.length; num++) {
                        out.writeInt(set.values[num]);
                        out.writeInt(set.pids[num]);
                    }
                    out.writeInt(set.undo.size());
                    for (Map.Entry<Integer, int[]> undo : set.undo.entrySet()) {
                        out.writeInt(undo.getKey());
                        for (int adjustment : undo.getValue()) {
                            out.writeInt(adjustment);
                        }
                    }
                } finally {
                    set.lock.unlock();
                }
            }
            out.writeInt(namespace.segments.size());
            for (ShmSegment segment : namespace.segments.values()) {
                segment.lock.lock();
                try {
                    out.writeInt(segment.id);
                    writePerm(out, segment.perm);
                    out.writeLong(segment.ctime);
                    out.writeLong(segment.atime);
                    out.writeLong(segment.dtime);
                    out.writeInt(segment.cpid);
                    out.writeInt(segment.lpid);
                    out.writeBoolean(segment.removed);
                    out.writeInt(segment.attaches.size());
                    for (Map.Entry<Integer, Integer> attach : segment.attaches.entrySet()) {
                        out.writeInt(attach.getKey());
                        out.writeInt(attach.getValue());
                    }
                    Content.write(out, segment, live);
                } finally {
                    segment.lock.unlock();
                }
            }
        }
    }

    private static void writePerm(SectionOutput out, Perm perm) throws IOException {
        out.writeInt(perm.key);
        out.writeInt(perm.uid);
        out.writeInt(perm.gid);
        out.writeInt(perm.cuid);
        out.writeInt(perm.cgid);
        out.writeInt(perm.mode);
    }

    /** Fills a new namespace on the target node; every object gets a fresh real id there. */
    static IpcNamespace read(IpcNamespace namespace, SectionInput in, int version, PageCopy.Registry live)
            throws IOException {
        int msgSeq = in.readInt();
        int semSeq = in.readInt();
        int shmSeq = in.readInt();
        try {
            int queues = count(in.readInt(), "queues");
            for (int i = 0; i < queues; i++) {
                int id = id(in.readInt());
                Perm perm = readPerm(in);
                MsgQueue queue = new MsgQueue(id, namespace.node.allocate(IdSpace.MSG), perm, 0, in.readLong());
                queue.stime = in.readLong();
                queue.rtime = in.readLong();
                queue.qbytes = in.readLong();
                queue.lspid = in.readInt();
                queue.lrpid = in.readInt();
                int messages = count(in.readInt(), "messages");
                for (int m = 0; m < messages; m++) {
                    long type = in.readLong();
                    byte[] data = in.readBytes((int) Math.min(Integer.MAX_VALUE, namespace.limits.msgmax()));
                    queue.messages.add(new Message(type, data));
                    queue.cbytes += data.length;
                }
                namespace.msgIds.register(id, msgSeq);
                namespace.queues.put(id, queue);
            }
            int sets = count(in.readInt(), "semaphore sets");
            for (int i = 0; i < sets; i++) {
                int id = id(in.readInt());
                Perm perm = readPerm(in);
                long ctime = in.readLong();
                long otime = in.readLong();
                int nsems = in.readInt();
                if (nsems < 1 || nsems > namespace.limits.semmsl()) {
                    throw corrupt("semaphore set " + id + " has " + nsems + " semaphores");
                }
                SemSet set = new SemSet(id, namespace.node.allocate(IdSpace.SEM), perm, nsems, ctime);
                set.otime = otime;
                for (int num = 0; num < nsems; num++) {
                    set.values[num] = in.readInt();
                    set.pids[num] = in.readInt();
                }
                int undos = count(in.readInt(), "undo entries");
                for (int u = 0; u < undos; u++) {
                    int vpid = in.readInt();
                    int[] adjust = new int[nsems];
                    for (int num = 0; num < nsems; num++) {
                        adjust[num] = in.readInt();
                    }
                    set.undo.put(vpid, adjust);
                }
                namespace.semIds.register(id, semSeq);
                namespace.semaphores.put(id, set);
            }
            int segments = count(in.readInt(), "segments");
            for (int i = 0; i < segments; i++) {
                int id = id(in.readInt());
                Perm perm = readPerm(in);
                long ctime = in.readLong();
                long atime = in.readLong();
                long dtime = in.readLong();
                int cpid = in.readInt();
                int lpid = in.readInt();
                boolean removed = in.readBoolean();
                int attachers = count(in.readInt(), "attachers");
                Map<Integer, Integer> attaches = new java.util.HashMap<>();
                for (int a = 0; a < attachers; a++) {
                    attaches.put(in.readInt(), in.readInt());
                }
                byte[] content = version == 1 ? in.readBytes((int) namespace.limits.shmmax())
                        : Content.read(in, NAME, "segment " + id, namespace.limits.shmmax(), live);
                ShmSegment segment = new ShmSegment(id, namespace.node.allocate(IdSpace.SHM), perm, content, cpid, ctime);
                segment.atime = atime;
                segment.dtime = dtime;
                segment.lpid = lpid;
                segment.removed = removed;
                segment.attaches.putAll(attaches);
                segment.restored.putAll(attaches);
                namespace.shmIds.register(id, shmSeq);
                namespace.segments.put(id, segment);
            }
            return namespace;
        } catch (IOException | RuntimeException e) {
            namespace.release();
            throw e;
        }
    }

    private static Perm readPerm(SectionInput in) throws IOException {
        return new Perm(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt());
    }

    private static int count(int value, String what) throws ImageException {
        if (value < 0 || value > MAX_OBJECTS * 64) {
            throw corrupt(what + " count " + value + " is impossible");
        }
        return value;
    }

    private static int id(int value) throws ImageException {
        if (value < 0) {
            throw corrupt("negative id " + value);
        }
        return value;
    }

    private static ImageException corrupt(String message) {
        return new ImageException(ImageException.Reason.CORRUPT, "section 'ipc': " + message);
    }
}
