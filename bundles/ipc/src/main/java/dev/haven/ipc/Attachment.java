package dev.haven.ipc;

import java.nio.ByteBuffer;

import dev.haven.api.ipc.SharedMemory;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.SystemCalls;

/** One {@code shmat}: every access is a kernel call on the segment's lock, so a checkpoint sees whole writes. */
final class Attachment implements SharedMemory {
    private final SystemCalls caller;
    private final IpcNamespace namespace;
    private final ShmSegment segment;
    private final boolean readOnly;
    /** Only the attaching process uses its attachment. */
    private boolean detached;

    Attachment(SystemCalls caller, IpcNamespace namespace, ShmSegment segment, boolean readOnly) {
        this.caller = caller;
        this.namespace = namespace;
        this.segment = segment;
        this.readOnly = readOnly;
    }

    @Override
    public int shmid() {
        return segment.id;
    }

    @Override
    public long size() {
        return segment.bytes.length;
    }

    private void check(String call, long offset, long length, boolean write) {
        if (detached) {
            throw new KernelException(Errno.EINVAL, call + ": the segment is detached");
        }
        if (offset < 0 || length < 0 || offset + length > segment.bytes.length) {
            throw new KernelException(Errno.EFAULT, call + ": bytes " + offset + ".." + (offset + length)
                    + " are outside the segment of " + segment.bytes.length);
        }
        if (write && readOnly) {
            throw new KernelException(Errno.EACCES, call + ": the segment is attached SHM_RDONLY");
        }
    }

    @Override
    public void read(long offset, byte[] into, int from, int length) {
        caller.call("shm_read", () -> {
            check("shm_read", offset, length, false);
            segment.lock.lock();
            try {
                System.arraycopy(segment.bytes, (int) offset, into, from, length);
            } finally {
                segment.lock.unlock();
            }
            return null;
        });
    }

    @Override
    public void write(long offset, byte[] bytes, int from, int length) {
        caller.call("shm_write", () -> {
            check("shm_write", offset, length, true);
            segment.lock.lock();
            try {
                System.arraycopy(bytes, from, segment.bytes, (int) offset, length);
                segment.written(offset, length);
            } finally {
                segment.lock.unlock();
            }
            return null;
        });
    }

    @Override
    public long getLong(long offset) {
        return caller.call("shm_read", () -> {
            check("shm_read", offset, Long.BYTES, false);
            segment.lock.lock();
            try {
                return ByteBuffer.wrap(segment.bytes).getLong((int) offset);
            } finally {
                segment.lock.unlock();
            }
        });
    }

    @Override
    public void putLong(long offset, long value) {
        addOrPut("shm_write", offset, value, false);
    }

    @Override
    public long addLong(long offset, long delta) {
        return addOrPut("shm_add", offset, delta, true);
    }

    private long addOrPut(String call, long offset, long value, boolean add) {
        return caller.call(call, () -> {
            check(call, offset, Long.BYTES, true);
            segment.lock.lock();
            try {
                ByteBuffer buffer = ByteBuffer.wrap(segment.bytes);
                long result = add ? buffer.getLong((int) offset) + value : value;
                buffer.putLong((int) offset, result);
                segment.written(offset, Long.BYTES);
                return result;
            } finally {
                segment.lock.unlock();
            }
        });
    }

    @Override
    public void detach() {
        caller.call("shmdt", () -> {
            if (detached) {
                throw new KernelException(Errno.EINVAL, "shmdt: the segment is not attached here");
            }
            detached = true;
            boolean destroy;
            segment.lock.lock();
            try {
                int pid = caller.pid();
                segment.attaches.computeIfPresent(pid, (p, n) -> n > 1 ? n - 1 : null);
                segment.dtime = IpcObject.now();
                segment.lpid = pid;
                destroy = segment.removed && segment.nattch() == 0;
            } finally {
                segment.lock.unlock();
            }
            if (destroy) {
                namespace.destroy(segment);
            }
            return null;
        });
    }
}
