package dev.haven.api.ipc;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * System V IPC for one process, obtained with {@code kernel.extension(SysVIpc.class)}. Calls, flags,
 * limits and errors are Linux's ({@code msgget(2)}, {@code semop(2)}, {@code shmget(2)} …); every
 * failure is a {@code KernelException} carrying the errno Linux would set. Ids are virtual: stable
 * for the partition across checkpoint and restart, whatever real ids the node kernel gives.
 * Limits come from the partition spec: {@code msgmni msgmax msgmnb semmni semmsl semmns semopm semvmx
 * shmmni shmmax shmall shmmin}.
 */
@ProviderType
public interface SysVIpc {

    int msgget(int key, int msgflg);

    /** Blocks while the queue is full unless {@code IPC_NOWAIT} (then {@code EAGAIN}). */
    void msgsnd(int msqid, long mtype, byte[] mtext, int msgflg);

    /**
     * Receives: {@code msgtyp} 0 the first message, &gt;0 the first of that type (or not of it with
     * {@code MSG_EXCEPT}), &lt;0 the first of the lowest type &le; |msgtyp|. {@code E2BIG} when the message is
     * longer than {@code msgsz} unless {@code MSG_NOERROR}; {@code ENOMSG} with {@code IPC_NOWAIT}.
     */
    Message msgrcv(int msqid, int msgsz, long msgtyp, int msgflg);

    /** {@code IPC_STAT} returns the queue's state; {@code IPC_SET} applies uid, gid, mode and qbytes of {@code buf}; {@code IPC_RMID} removes. */
    MsqidDs msgctl(int msqid, int cmd, MsqidDs buf);

    int semget(int key, int nsems, int semflg);

    /** Applies all operations atomically, or none; blocks until it can unless an operation has {@code IPC_NOWAIT}. */
    void semop(int semid, SemOp... sops);

    /** As {@link #semop} with a timeout: {@code EAGAIN} when it runs out. */
    void semtimedop(int semid, Duration timeout, SemOp... sops);

    /** {@code GETVAL GETPID GETNCNT GETZCNT} return a value; {@code SETVAL} sets {@code arg}; {@code IPC_RMID} removes (waiters get {@code EIDRM}). */
    int semctl(int semid, int semnum, int cmd, int arg);

    /** {@code semctl(GETALL)}. */
    int[] semGetAll(int semid);

    /** {@code semctl(SETALL)}. */
    void semSetAll(int semid, int[] values);

    /** {@code semctl(IPC_STAT)} and {@code IPC_SET} (uid, gid, mode of {@code buf}). */
    SemidDs semctlStat(int semid, int cmd, SemidDs buf);

    int shmget(int key, long size, int shmflg);

    SharedMemory shmat(int shmid, int shmflg);

    /** {@code IPC_STAT}, {@code IPC_SET} (uid, gid, mode), {@code IPC_RMID}. */
    ShmidDs shmctl(int shmid, int cmd, ShmidDs buf);
}
