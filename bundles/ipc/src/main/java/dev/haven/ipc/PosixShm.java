package dev.haven.ipc;

/**
 * A POSIX shared memory object: bytes in the JVM heap, bounded by the partition's {@code posix.shm_max} and
 * {@code posix.shm_total}. Its length changes only by {@code ftruncate}, under the namespace's monitor and its lock;
 * its bytes under its lock.
 */
final class PosixShm extends PosixObject implements SharedBytes {
    byte[] bytes = new byte[0];
    private DirtyPages dirty;
    /** Mappings of it now; guarded by the namespace. */
    int mappings;

    PosixShm(int id, int realId, String name, Perm perm, long ctime) {
        super(id, realId, name, perm, ctime);
    }

    @Override
    String kind() {
        return PosixKind.SHM.label;
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
}
