package dev.haven.api.ipc;

/**
 * {@code struct msqid_ds}. Times are seconds since the epoch, 0 when the event never happened.
 *
 * @param perm ownership and mode
 * @param stime time of the last msgsnd
 * @param rtime time of the last msgrcv
 * @param ctime time of the last change (creation, IPC_SET)
 * @param cbytes bytes in the queue now
 * @param qnum messages in the queue now
 * @param qbytes the most bytes the queue may hold
 * @param lspid vpid of the last sender
 * @param lrpid vpid of the last receiver
 */
public record MsqidDs(IpcPerm perm, long stime, long rtime, long ctime, long cbytes, long qnum, long qbytes, int lspid,
        int lrpid) {
}
