package dev.haven.ipc;

import java.nio.ByteBuffer;

import dev.haven.api.ipc.MappedMemory;
import dev.haven.api.ipc.Posix;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.SystemCalls;

/**
 * One mapping of a POSIX shared memory object, named by its virtual address in the process's table: each access
 * looks the mapping up there, so a view taken back after a restart, or one whose mapping another view unmapped,
 * behaves as the mapping does. Bytes are touched under the object's lock, so a checkpoint sees whole writes.
 */
final class Mapping implements MappedMemory {
    private final SystemCalls caller;
    private final PosixNamespace namespace;
    private final long address;

    Mapping(SystemCalls caller, PosixNamespace namespace, long address) {
        this.caller = caller;
        this.namespace = namespace;
        this.address = address;
    }

    @Override
    public long address() {
        return address;
    }

    @Override
    public long length() {
        return caller.call("mapping", () -> namespace.mapping(caller.pid(), address, "mapping").length());
    }

    /** The object, its lock held, once the access is known to be inside the mapping and the object. */
    private PosixShm enter(String call, long offset, long length, boolean write) {
        PosixNamespace.MapEntry entry = namespace.mapping(caller.pid(), address, call);
        if (offset < 0 || length < 0 || offset + length > entry.length()) {
            throw new KernelException(Errno.EFAULT, call + ": bytes " + offset + ".." + (offset + length)
                    + " are outside the mapping of " + entry.length());
        }
        if (write && (entry.prot() & Posix.PROT_WRITE) == 0) {
            throw new KernelException(Errno.EACCES, call + ": the mapping is not PROT_WRITE");
        }
        PosixShm object = entry.object();
        object.lock.lock();
        if (offset + length > object.bytes.length) {
            object.lock.unlock();
            throw new KernelException(Errno.EFAULT, call + ": bytes " + offset + ".." + (offset + length)
                    + " lie past the object's end at " + object.bytes.length + " (SIGBUS on Linux)");
        }
        return object;
    }

    /** The caller's buffer must hold the bytes, as a C buffer must be mapped: else EFAULT. */
    private static void checkBuffer(String call, byte[] buffer, int from, int length) {
        if (buffer == null || from < 0 || length < 0 || from > buffer.length - length) {
            throw new KernelException(Errno.EFAULT, call + ": the buffer does not hold " + length + " bytes from " + from);
        }
    }

    @Override
    public void read(long offset, byte[] into, int from, int length) {
        caller.call("mmap_read", () -> {
            checkBuffer("mmap_read", into, from, length);
            PosixShm object = enter("mmap_read", offset, length, false);
            try {
                System.arraycopy(object.bytes, (int) offset, into, from, length);
            } finally {
                object.lock.unlock();
            }
            return null;
        });
    }

    @Override
    public void write(long offset, byte[] bytes, int from, int length) {
        caller.call("mmap_write", () -> {
            checkBuffer("mmap_write", bytes, from, length);
            PosixShm object = enter("mmap_write", offset, length, true);
            try {
                System.arraycopy(bytes, from, object.bytes, (int) offset, length);
                object.written(offset, length);
            } finally {
                object.lock.unlock();
            }
            return null;
        });
    }

    @Override
    public long getLong(long offset) {
        return caller.call("mmap_read", () -> {
            PosixShm object = enter("mmap_read", offset, Long.BYTES, false);
            try {
                return ByteBuffer.wrap(object.bytes).getLong((int) offset);
            } finally {
                object.lock.unlock();
            }
        });
    }

    @Override
    public void putLong(long offset, long value) {
        addOrPut("mmap_write", offset, value, false);
    }

    @Override
    public long addLong(long offset, long delta) {
        return addOrPut("mmap_add", offset, delta, true);
    }

    private long addOrPut(String call, long offset, long value, boolean add) {
        return caller.call(call, () -> {
            PosixShm object = enter(call, offset, Long.BYTES, true);
            try {
                ByteBuffer buffer = ByteBuffer.wrap(object.bytes);
                long result = add ? buffer.getLong((int) offset) + value : value;
                buffer.putLong((int) offset, result);
                object.written(offset, Long.BYTES);
                return result;
            } finally {
                object.lock.unlock();
            }
        });
    }

    @Override
    public void munmap() {
        caller.call("munmap", () -> {
            namespace.unmap(caller.pid(), address, "munmap");
            return null;
        });
    }
}
