package dev.haven.api.ipc;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A shared memory object mapped with {@link PosixIpc#mmap}. Every access is a kernel call, so a checkpoint never
 * sees half a write. Bytes beyond the mapping's length, or beyond the object's current size (where Linux raises
 * SIGBUS), fail with {@code EFAULT}; writes to a mapping without {@code PROT_WRITE} fail with {@code EACCES} (Linux's
 * SIGSEGV); use after {@link #munmap} fails with {@code EINVAL}.
 */
@ProviderType
public interface MappedMemory {

    /**
     * The mapping's virtual address: stable across checkpoint and restart, so a restored process takes its mapping
     * back with {@link PosixIpc#mapping(long)}.
     */
    long address();

    /** The length mapped. */
    long length();

    void read(long offset, byte[] into, int from, int length);

    void write(long offset, byte[] bytes, int from, int length);

    long getLong(long offset);

    void putLong(long offset, long value);

    /** Atomically adds to the long at offset and returns the new value. */
    long addLong(long offset, long delta);

    /** {@code munmap}: the last mapping or descriptor of an unlinked object destroys it. */
    void munmap();
}
