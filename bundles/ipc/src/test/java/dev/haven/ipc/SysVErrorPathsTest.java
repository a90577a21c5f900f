package dev.haven.ipc;

import static dev.haven.api.ipc.Ipc.GETALL;
import static dev.haven.api.ipc.Ipc.GETVAL;
import static dev.haven.api.ipc.Ipc.IPC_CREAT;
import static dev.haven.api.ipc.Ipc.IPC_EXCL;
import static dev.haven.api.ipc.Ipc.IPC_NOWAIT;
import static dev.haven.api.ipc.Ipc.IPC_PRIVATE;
import static dev.haven.api.ipc.Ipc.IPC_RMID;
import static dev.haven.api.ipc.Ipc.IPC_SET;
import static dev.haven.api.ipc.Ipc.IPC_STAT;
import static dev.haven.api.ipc.Ipc.SEM_UNDO;
import static dev.haven.api.ipc.Ipc.SHM_RDONLY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.haven.api.ipc.IpcPerm;
import dev.haven.api.ipc.SemOp;
import dev.haven.api.ipc.SemidDs;
import dev.haven.api.ipc.ShmidDs;
import dev.haven.api.ipc.SysVIpc;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;

/**
 * The error paths of the System V calls as a table, after the scenarios of the Linux Test Project's
 * syscalls/ipc tests (msgget/msgsnd/msgrcv/msgctl, semget/semop/semctl, shmget/shmat/shmdt/shmctl
 * 01..NN): each row sets up objects owned by alice (mode 0600 unless said), makes one call as the
 * given user, and expects Linux's errno.
 */
class SysVErrorPathsTest {
    static final Credentials ALICE = new Credentials(1000, 100);
    static final Credentials BOB = new Credentials(1001, 101);

    /** One row: what it is named after, who calls, what they call, which errno Linux gives. */
    record Row(String scenario, Credentials caller, Call call, Errno expected) {
        @Override
        public String toString() {
            return scenario;
        }
    }

    /** Ids of alice's objects: a queue (key 0x10), a set of 2 semaphores (0x20), a 4 KiB segment (0x30). */
    record Objects(int msq, int sem, int shm) {
    }

    @FunctionalInterface
    interface Call {
        void on(SysVIpc ipc, Objects ids);
    }

    static Row row(String scenario, Credentials caller, Call call, Errno expected) {
        return new Row(scenario, caller, call, expected);
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                // msgget
                row("msgget: key exists, IPC_CREAT|IPC_EXCL", ALICE, (ipc, o) -> ipc.msgget(0x10, IPC_CREAT | IPC_EXCL | 0600), Errno.EEXIST),
                row("msgget: no such key", ALICE, (ipc, o) -> ipc.msgget(0x11, 0600), Errno.ENOENT),
                row("msgget: read asked of a 0600 queue by another user", BOB, (ipc, o) -> ipc.msgget(0x10, 0400), Errno.EACCES),
                // msgsnd
                row("msgsnd: invalid id", ALICE, (ipc, o) -> ipc.msgsnd(-1, 1, new byte[1], 0), Errno.EINVAL),
                row("msgsnd: mtype 0", ALICE, (ipc, o) -> ipc.msgsnd(o.msq(), 0, new byte[1], 0), Errno.EINVAL),
                row("msgsnd: negative mtype", ALICE, (ipc, o) -> ipc.msgsnd(o.msq(), -5, new byte[1], 0), Errno.EINVAL),
                row("msgsnd: no write permission", BOB, (ipc, o) -> ipc.msgsnd(o.msq(), 1, new byte[1], 0), Errno.EACCES),
                row("msgsnd: over msgmax", ALICE, (ipc, o) -> ipc.msgsnd(o.msq(), 1, new byte[8193], 0), Errno.EINVAL),
                // msgrcv
                row("msgrcv: invalid id", ALICE, (ipc, o) -> ipc.msgrcv(12345, 10, 0, 0), Errno.EINVAL),
                row("msgrcv: no read permission", BOB, (ipc, o) -> ipc.msgrcv(o.msq(), 10, 0, IPC_NOWAIT), Errno.EACCES),
                row("msgrcv: empty queue, IPC_NOWAIT", ALICE, (ipc, o) -> ipc.msgrcv(o.msq(), 10, 0, IPC_NOWAIT), Errno.ENOMSG),
                row("msgrcv: negative msgsz", ALICE, (ipc, o) -> ipc.msgrcv(o.msq(), -1, 0, 0), Errno.EINVAL),
                // msgctl
                row("msgctl: IPC_STAT without read permission", BOB, (ipc, o) -> ipc.msgctl(o.msq(), IPC_STAT, null), Errno.EACCES),
                row("msgctl: IPC_SET by a stranger", BOB, (ipc, o) -> ipc.msgctl(o.msq(), IPC_SET,
                        new dev.haven.api.ipc.MsqidDs(new IpcPerm(0, 1, 1, 0, 0, 0666), 0, 0, 0, 0, 0, 100, 0, 0)), Errno.EPERM),
                row("msgctl: IPC_SET without a buffer", ALICE, (ipc, o) -> ipc.msgctl(o.msq(), IPC_SET, null), Errno.EFAULT),
                row("msgctl: IPC_RMID by a stranger", BOB, (ipc, o) -> ipc.msgctl(o.msq(), IPC_RMID, null), Errno.EPERM),
                row("msgctl: unknown command", ALICE, (ipc, o) -> ipc.msgctl(o.msq(), 99, null), Errno.EINVAL),
                row("msgctl: invalid id", ALICE, (ipc, o) -> ipc.msgctl(77777, IPC_STAT, null), Errno.EINVAL),
                // semget
                row("semget: key exists, IPC_CREAT|IPC_EXCL", ALICE, (ipc, o) -> ipc.semget(0x20, 2, IPC_CREAT | IPC_EXCL | 0600), Errno.EEXIST),
                row("semget: more semaphores than the set has", ALICE, (ipc, o) -> ipc.semget(0x20, 3, 0600), Errno.EINVAL),
                row("semget: negative nsems", ALICE, (ipc, o) -> ipc.semget(IPC_PRIVATE, -1, 0600), Errno.EINVAL),
                row("semget: nsems over semmsl", ALICE, (ipc, o) -> ipc.semget(IPC_PRIVATE, 32001, 0600), Errno.EINVAL),
                row("semget: no such key", ALICE, (ipc, o) -> ipc.semget(0x21, 1, 0600), Errno.ENOENT),
                row("semget: access asked by another user", BOB, (ipc, o) -> ipc.semget(0x20, 2, 0600), Errno.EACCES),
                // semop
                row("semop: invalid id", ALICE, (ipc, o) -> ipc.semop(-3, new SemOp(0, 1, 0)), Errno.EINVAL),
                row("semop: sem_num beyond the set", ALICE, (ipc, o) -> ipc.semop(o.sem(), new SemOp(2, 1, 0)), Errno.EFBIG),
                row("semop: would block with IPC_NOWAIT", ALICE, (ipc, o) -> ipc.semop(o.sem(), new SemOp(0, -1, IPC_NOWAIT)), Errno.EAGAIN),
                row("semop: alter without write permission", BOB, (ipc, o) -> ipc.semop(o.sem(), new SemOp(0, 1, 0)), Errno.EACCES),
                row("semop: over semvmx", ALICE, (ipc, o) -> ipc.semop(o.sem(), new SemOp(0, 32767, 0), new SemOp(0, 1, 0)), Errno.ERANGE),
                row("semop: more operations than semopm", ALICE, (ipc, o) -> ipc.semop(o.sem(), new SemOp[501]), Errno.E2BIG),
                row("semtimedop: times out", ALICE, (ipc, o) -> ipc.semtimedop(o.sem(), Duration.ofMillis(5), new SemOp(1, -1, SEM_UNDO)), Errno.EAGAIN),
                row("semtimedop: negative timeout", ALICE, (ipc, o) -> ipc.semtimedop(o.sem(), Duration.ofMillis(-1), new SemOp(0, 1, 0)), Errno.EINVAL),
                // semctl
                row("semctl: GETVAL of a semaphore beyond the set", ALICE, (ipc, o) -> ipc.semctl(o.sem(), 5, GETVAL, 0), Errno.EINVAL),
                row("semctl: GETVAL without read permission", BOB, (ipc, o) -> ipc.semctl(o.sem(), 0, GETVAL, 0), Errno.EACCES),
                row("semctl: SETVAL negative", ALICE, (ipc, o) -> ipc.semctl(o.sem(), 0, dev.haven.api.ipc.Ipc.SETVAL, -1), Errno.ERANGE),
                row("semctl: SETALL of the wrong length", ALICE, (ipc, o) -> ipc.semSetAll(o.sem(), new int[3]), Errno.EINVAL),
                row("semctl: GETALL without read permission", BOB, (ipc, o) -> ipc.semGetAll(o.sem()), Errno.EACCES),
                row("semctl: unknown command", ALICE, (ipc, o) -> ipc.semctl(o.sem(), 0, GETALL + 100, 0), Errno.EINVAL),
                row("semctl: IPC_SET by a stranger", BOB, (ipc, o) -> ipc.semctlStat(o.sem(), IPC_SET,
                        new SemidDs(new IpcPerm(0, 1, 1, 0, 0, 0666), 0, 0, 2)), Errno.EPERM),
                row("semctl: IPC_RMID by a stranger", BOB, (ipc, o) -> ipc.semctl(o.sem(), 0, IPC_RMID, 0), Errno.EPERM),
                // shmget
                row("shmget: key exists, IPC_CREAT|IPC_EXCL", ALICE, (ipc, o) -> ipc.shmget(0x30, 4096, IPC_CREAT | IPC_EXCL | 0600), Errno.EEXIST),
                row("shmget: larger than the segment", ALICE, (ipc, o) -> ipc.shmget(0x30, 4097, 0600), Errno.EINVAL),
                row("shmget: size 0 for a new segment", ALICE, (ipc, o) -> ipc.shmget(IPC_PRIVATE, 0, 0600), Errno.EINVAL),
                row("shmget: over shmmax", ALICE, (ipc, o) -> ipc.shmget(IPC_PRIVATE, (64L << 20) + 1, 0600), Errno.EINVAL),
                row("shmget: no such key", ALICE, (ipc, o) -> ipc.shmget(0x31, 10, 0600), Errno.ENOENT),
                row("shmget: access asked by another user", BOB, (ipc, o) -> ipc.shmget(0x30, 10, 0600), Errno.EACCES),
                // shmat / shmdt
                row("shmat: invalid id", ALICE, (ipc, o) -> ipc.shmat(999, 0), Errno.EINVAL),
                row("shmat: no permission", BOB, (ipc, o) -> ipc.shmat(o.shm(), SHM_RDONLY), Errno.EACCES),
                row("shmdt: twice", ALICE, (ipc, o) -> {
                    var memory = ipc.shmat(o.shm(), 0);
                    memory.detach();
                    memory.detach();
                }, Errno.EINVAL),
                row("shm write beyond the segment", ALICE, (ipc, o) -> ipc.shmat(o.shm(), 0).putLong(4090, 1), Errno.EFAULT),
                row("shm write to a read-only attach", ALICE, (ipc, o) -> ipc.shmat(o.shm(), SHM_RDONLY).putLong(0, 1), Errno.EACCES),
                // shmctl
                row("shmctl: IPC_STAT without read permission", BOB, (ipc, o) -> ipc.shmctl(o.shm(), IPC_STAT, null), Errno.EACCES),
                row("shmctl: IPC_SET by a stranger", BOB, (ipc, o) -> ipc.shmctl(o.shm(), IPC_SET,
                        new ShmidDs(new IpcPerm(0, 1, 1, 0, 0, 0666), 0, 0, 0, 0, 0, 0, 0)), Errno.EPERM),
                row("shmctl: IPC_RMID by a stranger", BOB, (ipc, o) -> ipc.shmctl(o.shm(), IPC_RMID, null), Errno.EPERM),
                row("shmctl: unknown command", ALICE, (ipc, o) -> ipc.shmctl(o.shm(), 42, null), Errno.EINVAL))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void failsWithLinuxsErrno(Row row) {
        IpcVirtualizer virtualizer = new IpcVirtualizer();
        TestProcess.Node node = new TestProcess.Node("node1", 1_000);
        SysVIpc alice = new TestProcess(virtualizer, "p1", 1, ALICE, node, Map.of()).ipc;
        Objects ids = new Objects(alice.msgget(0x10, IPC_CREAT | 0600), alice.semget(0x20, 2, IPC_CREAT | 0600),
                alice.shmget(0x30, 4096, IPC_CREAT | 0600));
        SysVIpc caller = new TestProcess(virtualizer, "p1", 2, row.caller(), node, Map.of()).ipc;
        KernelException failure = assertThrows(KernelException.class, () -> row.call().on(caller, ids));
        assertEquals(row.expected(), failure.errno(), failure.getMessage());
    }
}
