package dev.haven.ipc;

import java.util.HashMap;
import java.util.Map;

import dev.haven.api.ipc.ShmidDs;

/**
 * A System V shared memory segment. Its bytes live in the JVM heap, bounded by the partition's
 * shmmax and shmall. Attaches are counted per vpid, so a restored process that attaches again takes
 * back the attach it had at the checkpoint instead of adding one. State guarded by {@link #lock}.
 */
final class ShmSegment extends IpcObject implements SharedBytes {
    final byte[] bytes;
    private DirtyPages dirty;
    final int cpid;
    long atime;
    long dtime;
    int lpid;
    /** Attaches by vpid, live and restored. */
    final Map<Integer, Integer> attaches = new HashMap<>();
    /** Attaches restored from an image that their process has not taken back yet, by vpid. */
    final Map<Integer, Integer> restored = new HashMap<>();

    ShmSegment(int id, int realId, Perm perm, int size, int cpid, long ctime) {
        this(id, realId, perm, new byte[size], cpid, ctime);
    }

    /** A segment holding {@code bytes} as they are: a restored one takes its content without a copy. */
    ShmSegment(int id, int realId, Perm perm, byte[] bytes, int cpid, long ctime) {
        super(id, realId, perm, ctime);
        this.bytes = bytes;
        this.cpid = cpid;
    }

    @Override
    public byte[] content() {
        return bytes;
    }

    @Override
    public DirtyPages dirty() {
        return dirty;
    }

    @Override
    public void dirty(DirtyPages pages) {
        dirty = pages;
    }

    @Override
    String kind() {
        return "shm";
    }

    int nattch() {
        return attaches.values().stream().mapToInt(Integer::intValue).sum();
    }

    ShmidDs stat() {
        int mode = perm.mode | (removed ? ShmidDs.SHM_DEST : 0);
        var snapshot = perm.snapshot();
        return new ShmidDs(new dev.haven.api.ipc.IpcPerm(snapshot.key(), snapshot.uid(), snapshot.gid(), snapshot.cuid(),
                snapshot.cgid(), mode), bytes.length, atime, dtime, ctime, cpid, lpid, nattch());
    }
}
