package dev.haven.ipc;

import dev.haven.api.ipc.IpcPerm;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;

/** A mutable {@code ipc_perm} with Linux's {@code ipcperms()} check. Guarded by its object's lock. */
final class Perm {
    static final int READ = 0444;
    static final int WRITE = 0222;

    int key;
    int uid;
    int gid;
    final int cuid;
    final int cgid;
    int mode;

    Perm(int key, int uid, int gid, int cuid, int cgid, int mode) {
        this.key = key;
        this.uid = uid;
        this.gid = gid;
        this.cuid = cuid;
        this.cgid = cgid;
        this.mode = mode;
    }

    static Perm created(int key, Credentials creator, int flags) {
        return new Perm(key, creator.uid(), creator.gid(), creator.uid(), creator.gid(), flags & 0777);
    }

    /** Whether the caller may access with the requested bits (0444 read, 0222 write, or a get's mode bits). */
    boolean allows(Credentials caller, int requested) {
        if (caller.privileged()) {
            return true;
        }
        int granted = mode;
        if (caller.uid() == uid || caller.uid() == cuid) {
            granted >>= 6;
        } else if (caller.gid() == gid || caller.gid() == cgid) {
            granted >>= 3;
        }
        int wanted = (requested >> 6 | requested >> 3 | requested) & 7;
        return (wanted & ~granted & 7) == 0;
    }

    void check(Credentials caller, int requested, String call) {
        if (!allows(caller, requested)) {
            throw new KernelException(Errno.EACCES, call + ": permission denied for uid " + caller.uid() + " (mode "
                    + Integer.toOctalString(mode & 0777) + ")");
        }
    }

    /** Whether the caller is the owner, the creator or privileged: who may IPC_SET, IPC_RMID or unlink. */
    boolean owns(Credentials caller) {
        return caller.privileged() || caller.uid() == uid || caller.uid() == cuid;
    }

    /** IPC_SET and IPC_RMID: the owner, the creator or a privileged caller. */
    void checkOwner(Credentials caller, String call) {
        if (!owns(caller)) {
            throw new KernelException(Errno.EPERM, call + ": uid " + caller.uid() + " is neither owner nor creator");
        }
    }

    void set(IpcPerm requested) {
        uid = requested.uid();
        gid = requested.gid();
        mode = (mode & ~0777) | (requested.mode() & 0777);
    }

    IpcPerm snapshot() {
        return new IpcPerm(key, uid, gid, cuid, cgid, mode);
    }
}
