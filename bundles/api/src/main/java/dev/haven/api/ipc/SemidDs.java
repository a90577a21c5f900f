package dev.haven.api.ipc;

/**
 * {@code struct semid_ds}.
 *
 * @param perm ownership and mode
 * @param otime time of the last semop
 * @param ctime time of the last change
 * @param nsems semaphores in the set
 */
public record SemidDs(IpcPerm perm, long otime, long ctime, int nsems) {
}
