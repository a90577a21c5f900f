package dev.haven.api.ipc;

import java.util.List;
import java.util.Objects;

/**
 * One POSIX IPC object as {@code ipcs} shows it.
 *
 * @param partition the partition that owns it
 * @param kind "posix-sem", "posix-mq" or "posix-shm"
 * @param name its name, kept after it is unlinked
 * @param realId the real object's id on the node kernel
 * @param perm owner, creator and mode (key 0)
 * @param size the semaphore's value, the bytes queued, the object's length
 * @param count processes waiting on the semaphore, messages queued, mappings of the object
 * @param capacity 0, the queue's maxmsg, 0
 * @param msgsize 0, the queue's msgsize, 0
 * @param ctime when it was created (seconds since the epoch)
 * @param mtime when its content last changed: send, receive, post, wait, truncate (0 if never)
 * @param lpid the vpid of the process that changed it last (0 if none)
 * @param opens open handles and mappings
 * @param unlinked unlinked but still open
 * @param handles the virtual handles that reach it, as {@code vpid:handle} (mappings as {@code vpid:@address})
 */
public record PosixObjectInfo(String partition, String kind, String name, int realId, IpcPerm perm, long size, long count,
        long capacity, long msgsize, long ctime, long mtime, int lpid, int opens, boolean unlinked, List<String> handles) {
    public PosixObjectInfo {
        Objects.requireNonNull(name, "name");
        handles = List.copyOf(handles);
    }
}
