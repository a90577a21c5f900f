package dev.haven.api.ipc;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An attached System V shared memory segment ({@code shmat}). Every access is a kernel call, so a
 * checkpoint never sees half a write. Offsets outside the segment fail with {@code EFAULT}; writes to a
 * segment attached {@code SHM_RDONLY} fail with {@code EACCES}; use after {@link #detach} fails with {@code EINVAL}.
 */
@ProviderType
public interface SharedMemory {

    /** The segment's virtual id. */
    int shmid();

    long size();

    void read(long offset, byte[] into, int from, int length);

    void write(long offset, byte[] bytes, int from, int length);

    long getLong(long offset);

    void putLong(long offset, long value);

    /** Atomically adds to the long at offset and returns the new value. */
    long addLong(long offset, long delta);

    /** {@code shmdt}: detaches; the last detach of a removed segment destroys it. */
    void detach();
}
