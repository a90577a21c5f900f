package dev.haven.ipc;

/**
 * What every POSIX object has beyond an {@link IpcObject}: its name, whether it is unlinked, and how many handles
 * and mappings hold it (guarded by the namespace's monitor). Its id is a virtual object number of the partition,
 * which links handles to objects in the image; workloads never see it.
 */
abstract class PosixObject extends IpcObject {
    final String name;
    /** Guarded by the namespace. */
    boolean unlinked;
    /** Handles and mappings that hold it; guarded by the namespace. */
    int opens;
    /** Guarded by lock. */
    long mtime;
    int lpid;

    PosixObject(int id, int realId, String name, Perm perm, long ctime) {
        super(id, realId, perm, ctime);
        this.name = name;
    }

    /** Stamps a change by a process, as Linux updates an inode's mtime; caller holds lock. */
    void touch(int pid) {
        mtime = now();
        lpid = pid;
    }
}
