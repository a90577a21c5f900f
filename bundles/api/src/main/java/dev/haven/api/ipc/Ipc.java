package dev.haven.api.ipc;

/** The flag and command values of {@code <sys/ipc.h>}, {@code <sys/msg.h>}, {@code <sys/sem.h>}, {@code <sys/shm.h>} (Linux). */
public final class Ipc {
    public static final int IPC_PRIVATE = 0;
    public static final int IPC_CREAT = 01000;
    public static final int IPC_EXCL = 02000;
    public static final int IPC_NOWAIT = 04000;

    public static final int IPC_RMID = 0;
    public static final int IPC_SET = 1;
    public static final int IPC_STAT = 2;

    public static final int MSG_NOERROR = 010000;
    public static final int MSG_EXCEPT = 020000;

    public static final int SEM_UNDO = 0x1000;
    public static final int GETPID = 11;
    public static final int GETVAL = 12;
    public static final int GETALL = 13;
    public static final int GETNCNT = 14;
    public static final int GETZCNT = 15;
    public static final int SETVAL = 16;
    public static final int SETALL = 17;

    public static final int SHM_RDONLY = 010000;

    private Ipc() {
    }
}
