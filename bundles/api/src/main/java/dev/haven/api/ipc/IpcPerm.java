package dev.haven.api.ipc;

/**
 * {@code struct ipc_perm}: the key, owner, creator and mode of an IPC object.
 *
 * @param key the key it was created with ({@code IPC_PRIVATE} after {@code IPC_RMID} of an attached segment)
 * @param uid owner's user id
 * @param gid owner's group id
 * @param cuid creator's user id
 * @param cgid creator's group id
 * @param mode the low 9 bits: read and write permission for owner, group and others
 */
public record IpcPerm(int key, int uid, int gid, int cuid, int cgid, int mode) {
}
