package dev.haven.ipc;

import java.util.HashMap;
import java.util.Map;

import dev.haven.api.ipc.ShmidDs;

/**
 * A System V shared memory segment. Its bytes live in the JVM heap, bounded by the partition's
 * shmmax and shmall. Attaches are counted per vpid, so a restored process that attaches again takes
 * back the attach it had at the checkpoint instead of adding one. State guarded by {@link #lock}.
 */
final class ShmSegment extends IpcObject {
    final byte[] bytes;
    final int cpid;
    long atime;
    long dtime;
    int lpid;
    /** Attaches by vpid, live and restored. */
    final Map<Integer, Integer> attaches = new HashMap<>();
    /** Attaches restored from an image that their process has not taken back yet, by vpid. */
    final Map<Integer, Integer> restored = new HashMap<>();

    ShmSegment(int id, int realId, Perm perm, int size, int cpid, long ctime) {
        super(id, realId, perm, ctime);
        this.bytes = new byte[size];
        this.cpid = cpid;
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
