package dev.haven.api.ipc;

/**
 * {@code struct shmid_ds}.
 *
 * @param perm ownership and mode ({@code SHM_DEST}, 01000, is set in the mode once the segment is removed but still attached)
 * @param segsz size in bytes
 * @param atime time of the last attach
 * @param dtime time of the last detach
 * @param ctime time of the last change
 * @param cpid vpid of the creator
 * @param lpid vpid of the last attach or detach
 * @param nattch current attaches
 */
public record ShmidDs(IpcPerm perm, long segsz, long atime, long dtime, long ctime, int cpid, int lpid, long nattch) {
    /** The mode bit Linux sets on a segment marked for destruction. */
    public static final int SHM_DEST = 01000;
}
