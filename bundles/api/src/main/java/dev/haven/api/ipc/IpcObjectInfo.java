package dev.haven.api.ipc;

/**
 * One IPC object as {@code ipcs} shows it, with both its ids.
 *
 * @param partition the partition that owns it
 * @param kind "msg", "sem" or "shm"
 * @param id its virtual id, as the partition sees it
 * @param realId its real id on the node kernel
 * @param perm key, owner and mode
 * @param size bytes queued (msg), semaphores (sem) or segment size (shm)
 * @param count messages queued (msg), attaches (shm), 0 for sem
 * @param removed removed but still attached (shm)
 */
public record IpcObjectInfo(String partition, String kind, int id, int realId, IpcPerm perm, long size, long count,
        boolean removed) {
}
