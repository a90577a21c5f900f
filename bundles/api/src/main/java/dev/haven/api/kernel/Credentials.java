package dev.haven.api.kernel;

/**
 * The user and group a process runs as, checked against {@code ipc_perm} and other permissions
 * as Linux checks its effective uid and gid. Uid 0 is the partition's superuser: it bypasses
 * permission checks inside its own partition and nowhere else.
 *
 * @param uid effective user id, 0..2^31-1
 * @param gid effective group id, 0..2^31-1
 */
public record Credentials(int uid, int gid) {
    /** The partition's superuser. */
    public static final Credentials ROOT = new Credentials(0, 0);

    public Credentials {
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("uid and gid must not be negative: uid=" + uid + " gid=" + gid);
        }
    }

    /** Whether these credentials bypass permission checks, as CAP_IPC_OWNER and friends do. */
    public boolean privileged() {
        return uid == 0;
    }
}
