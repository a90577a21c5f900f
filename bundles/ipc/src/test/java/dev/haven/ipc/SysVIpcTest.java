package dev.haven.ipc;

import static dev.haven.api.ipc.Ipc.GETNCNT;
import static dev.haven.api.ipc.Ipc.GETPID;
import static dev.haven.api.ipc.Ipc.GETVAL;
import static dev.haven.api.ipc.Ipc.GETZCNT;
import static dev.haven.api.ipc.Ipc.IPC_CREAT;
import static dev.haven.api.ipc.Ipc.IPC_EXCL;
import static dev.haven.api.ipc.Ipc.IPC_NOWAIT;
import static dev.haven.api.ipc.Ipc.IPC_PRIVATE;
import static dev.haven.api.ipc.Ipc.IPC_RMID;
import static dev.haven.api.ipc.Ipc.IPC_SET;
import static dev.haven.api.ipc.Ipc.IPC_STAT;
import static dev.haven.api.ipc.Ipc.MSG_EXCEPT;
import static dev.haven.api.ipc.Ipc.MSG_NOERROR;
import static dev.haven.api.ipc.Ipc.SEM_UNDO;
import static dev.haven.api.ipc.Ipc.SETVAL;
import static dev.haven.api.ipc.Ipc.SHM_RDONLY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.haven.api.ipc.IpcPerm;
import dev.haven.api.ipc.Message;
import dev.haven.api.ipc.MsqidDs;
import dev.haven.api.ipc.SemOp;
import dev.haven.api.ipc.SharedMemory;
import dev.haven.api.ipc.ShmidDs;
import dev.haven.api.ipc.SysVIpc;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.partition.PartitionEvent;
import dev.haven.api.partition.PartitionState;
import dev.haven.api.partition.ProcessInfo;
import dev.haven.api.partition.ProcessStatus;

class SysVIpcTest {
    static final Credentials ALICE = new Credentials(1000, 100);
    static final Credentials BOB = new Credentials(1001, 101);
    static final Credentials CAROL_IN_ALICES_GROUP = new Credentials(1002, 100);

    final IpcVirtualizer virtualizer = new IpcVirtualizer();
    final TestProcess.Node node = new TestProcess.Node("node1", 700_000);

    TestProcess process(String partition, int pid, Credentials credentials) {
        return new TestProcess(virtualizer, partition, pid, credentials, node, Map.of("msgmni", 4L, "msgmnb", 64L,
                "msgmax", 32L, "semmsl", 8L, "semopm", 4L, "semvmx", 100L, "shmmax", 8192L, "shmall", 4L, "shmmni", 3L));
    }

    static Errno errno(Executable call) {
        return assertThrows(KernelException.class, call).errno();
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            LockSupport.parkNanos(1_000_000);
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(Message message) {
        return new String(message.data(), StandardCharsets.UTF_8);
    }

    // ---- keys and ids

    @Test
    void idsAreThoseOfAFreshLinuxNamespaceAndKeysFindTheirObject() {
        SysVIpc ipc = process("p1", 1, ALICE).ipc;
        int first = ipc.msgget(IPC_PRIVATE, 0600);
        int second = ipc.msgget(0x1234, IPC_CREAT | 0600);
        assertEquals(0, first);
        assertEquals(32768 + 1, second);
        assertNotEquals(first, ipc.msgget(IPC_PRIVATE, 0600), "IPC_PRIVATE always creates");
        assertEquals(second, ipc.msgget(0x1234, 0));
        assertEquals(second, ipc.msgget(0x1234, IPC_CREAT | 0600));
    }

    static Stream<Arguments> getErrors() {
        return Stream.of(
                Arguments.of("missing key without IPC_CREAT", 0x99, 0600, Errno.ENOENT),
                Arguments.of("existing key with IPC_CREAT|IPC_EXCL", 0x42, IPC_CREAT | IPC_EXCL | 0600, Errno.EEXIST),
                Arguments.of("existing key asked for more than its mode grants", 0x42, 0666, Errno.EACCES));
    }

    @ParameterizedTest(name = "msgget fails on {0}")
    @MethodSource("getErrors")
    void msggetFailsAsLinuxDoes(String scenario, int key, int flags, Errno expected) {
        process("p1", 1, ALICE).ipc.msgget(0x42, IPC_CREAT | 0600);
        assertEquals(expected, errno(() -> process("p1", 2, BOB).ipc.msgget(key, flags)));
    }

    @Test
    void permissionsFollowOwnerGroupAndOthers() {
        SysVIpc alice = process("p1", 1, ALICE).ipc;
        int id = alice.msgget(0x7, IPC_CREAT | 0640);
        SysVIpc carol = process("p1", 2, CAROL_IN_ALICES_GROUP).ipc;
        SysVIpc bob = process("p1", 3, BOB).ipc;
        alice.msgsnd(id, 1, bytes("hi"), 0);
        assertEquals(Errno.EACCES, errno(() -> carol.msgsnd(id, 1, bytes("no"), 0)), "group may read, not write");
        assertEquals("hi", text(carol.msgrcv(id, 10, 0, 0)));
        assertEquals(Errno.EACCES, errno(() -> bob.msgrcv(id, 10, 0, IPC_NOWAIT)), "others may do nothing");
        assertEquals(Errno.EPERM, errno(() -> bob.msgctl(id, IPC_RMID, null)));
        assertNull(process("p1", 4, Credentials.ROOT).ipc.msgctl(id, IPC_RMID, null), "root may remove");
    }

    @Test
    void limitsAreTheLinuxErrnos() {
        SysVIpc ipc = process("p1", 1, ALICE).ipc;
        for (int i = 0; i < 4; i++) {
            ipc.msgget(IPC_PRIVATE, 0600);
        }
        assertEquals(Errno.ENOSPC, errno(() -> ipc.msgget(IPC_PRIVATE, 0600)), "msgmni");
        assertEquals(Errno.EINVAL, errno(() -> ipc.semget(IPC_PRIVATE, 9, 0600)), "semmsl");
        assertEquals(Errno.EINVAL, errno(() -> ipc.shmget(IPC_PRIVATE, 8193, 0600)), "shmmax");
        ipc.shmget(IPC_PRIVATE, 8192, 0600);
        ipc.shmget(IPC_PRIVATE, 8192, 0600);
        assertEquals(Errno.ENOSPC, errno(() -> ipc.shmget(IPC_PRIVATE, 1, 0600)), "shmall (4 pages)");
    }

    // ---- message queues

    @Test
    void msgrcvSelectsByTypeAsMsgtypSays() {
        SysVIpc ipc = process("p1", 1, ALICE).ipc;
        int q = ipc.msgget(IPC_PRIVATE, 0600);
        for (long type : new long[] { 3, 1, 2, 1 }) {
            ipc.msgsnd(q, type, bytes("t" + type), 0);
        }
        assertEquals(3, ipc.msgrcv(q, 10, 0, 0).type(), "0: the first message");
        assertEquals(2, ipc.msgrcv(q, 10, 2, 0).type(), ">0: the first of that type");
        assertEquals(1, ipc.msgrcv(q, 10, 5, MSG_EXCEPT).type(), ">0 with MSG_EXCEPT: the first of another type");
        ipc.msgsnd(q, 4, bytes("t4"), 0);
        ipc.msgsnd(q, 1, bytes("last"), 0);
        Message lowest = ipc.msgrcv(q, 10, -3, 0);
        assertEquals(1, lowest.type(), "<0: the lowest type up to |msgtyp|");
        assertEquals("t1", text(lowest), "and the first among equals");
        assertEquals(Errno.ENOMSG, errno(() -> ipc.msgrcv(q, 10, 7, IPC_NOWAIT)));
    }

    @Test
    void aTooLongMessageIsRefusedOrTruncatedWithMsgNoerror() {
        SysVIpc ipc = process("p1", 1, ALICE).ipc;
        int q = ipc.msgget(IPC_PRIVATE, 0600);
        ipc.msgsnd(q, 1, bytes("abcdef"), 0);
        assertEquals(Errno.E2BIG, errno(() -> ipc.msgrcv(q, 3, 0, 0)));
        assertEquals("abc", text(ipc.msgrcv(q, 3, 0, MSG_NOERROR)));
        assertEquals(0, ipc.msgctl(q, IPC_STAT, null).qnum());
    }

    @Test
    void msgsndChecksItsArguments() {
        SysVIpc ipc = process("p1", 1, ALICE).ipc;
        int q = ipc.msgget(IPC_PRIVATE, 0600);
        assertEquals(Errno.EINVAL, errno(() -> ipc.msgsnd(q, 0, bytes("x"), 0)), "mtype < 1");
        assertEquals(Errno.EINVAL, errno(() -> ipc.msgsnd(q, 1, new byte[33], 0)), "msgsz > msgmax");
        assertEquals(Errno.EINVAL, errno(() -> ipc.msgsnd(12345, 1, bytes("x"), 0)), "no such queue");
        assertEquals(Errno.EINVAL, errno(() -> ipc.msgrcv(q, -1, 0, 0)), "negative msgsz");
    }

    @Test
    void aFullQueueBlocksTheSenderUntilAReceiverMakesRoom() throws Exception {
        TestProcess sender = process("p1", 1, ALICE);
        TestProcess receiver = process("p1", 2, ALICE);
        int q = sender.ipc.msgget(IPC_PRIVATE, 0600);
        sender.ipc.msgsnd(q, 1, new byte[32], 0);
        sender.ipc.msgsnd(q, 1, new byte[32], 0);
        assertEquals(Errno.EAGAIN, errno(() -> sender.ipc.msgsnd(q, 1, new byte[1], IPC_NOWAIT)));
        CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> sender.ipc.msgsnd(q, 2, new byte[8], 0));
        assertFalse(blocked.isDone());
        receiver.ipc.msgrcv(q, 32, 0, 0);
        blocked.get(10, TimeUnit.SECONDS);
        MsqidDs stat = receiver.ipc.msgctl(q, IPC_STAT, null);
        assertEquals(2, stat.qnum());
        assertEquals(40, stat.cbytes());
        assertEquals(1, stat.lspid());
        assertEquals(2, stat.lrpid());
    }

    @Test
    void removingAQueueWakesItsWaitersWithEidrm() throws Exception {
        SysVIpc ipc = process("p1", 1, ALICE).ipc;
        int q = ipc.msgget(IPC_PRIVATE, 0600);
        CompletableFuture<Message> waiting = CompletableFuture.supplyAsync(() -> process("p1", 2, ALICE).ipc.msgrcv(q, 10, 0, 0));
        MsgQueue queue = virtualizer.namespace(process("p1", 3, ALICE)).queue(q, "test");
        await("the receiver waits", () -> {
            queue.lock.lock();
            try {
                return queue.lock.hasWaiters(queue.changed) || waiting.isDone();
            } finally {
                queue.lock.unlock();
            }
        });
        ipc.msgctl(q, IPC_RMID, null);
        Throwable failure = assertThrows(Exception.class, () -> waiting.get(10, TimeUnit.SECONDS)).getCause();
        assertEquals(Errno.EIDRM, ((KernelException) failure).errno());
        assertEquals(Errno.EINVAL, errno(() -> ipc.msgsnd(q, 1, bytes("x"), 0)));
    }

    @Test
    void ipcSetChangesOwnerModeAndQbytesButRaisingQbytesNeedsPrivilege() {
        SysVIpc alice = process("p1", 1, ALICE).ipc;
        int q = alice.msgget(IPC_PRIVATE, 0600);
        MsqidDs stat = alice.msgctl(q, IPC_STAT, null);
        assertEquals(Errno.EPERM, errno(() -> alice.msgctl(q, IPC_SET, new MsqidDs(stat.perm(), 0, 0, 0, 0, 0, 65, 0, 0))));
        MsqidDs changed = alice.msgctl(q, IPC_SET, new MsqidDs(new IpcPerm(0, BOB.uid(), BOB.gid(), 0, 0, 0644), 0, 0, 0,
                0, 0, 32, 0, 0));
        assertEquals(BOB.uid(), changed.perm().uid());
        assertEquals(ALICE.uid(), changed.perm().cuid(), "the creator stays");
        assertEquals(0644, changed.perm().mode());
        assertEquals(32, changed.qbytes());
    }

    // ---- semaphores

    @Test
    void semopAppliesAllOperationsOrNone() {
        SysVIpc ipc = process("p1", 1, ALICE).ipc;
        int s = ipc.semget(IPC_PRIVATE, 2, 0600);
        ipc.semSetAll(s, new int[] { 1, 0 });
        assertEquals(Errno.EAGAIN, errno(() -> ipc.semop(s, new SemOp(0, -1, 0), new SemOp(1, -1, IPC_NOWAIT))));
        assertArrayEquals(new int[] { 1, 0 }, ipc.semGetAll(s), "nothing was applied");
        ipc.semop(s, new SemOp(0, -1, 0), new SemOp(1, 2, 0));
        assertArrayEquals(new int[] { 0, 2 }, ipc.semGetAll(s));
        assertEquals(1, ipc.semctl(s, 1, GETPID, 0));
    }

    @Test
    void semopChecksItsArguments() {
        SysVIpc ipc = process("p1", 1, ALICE).ipc;
        int s = ipc.semget(IPC_PRIVATE, 2, 0600);
        assertEquals(Errno.EINVAL, errno(() -> ipc.semop(s)), "no operations");
        assertEquals(Errno.E2BIG, errno(() -> ipc.semop(s, new SemOp[5])), "more than semopm");
        assertEquals(Errno.EFBIG, errno(() -> ipc.semop(s, new SemOp(2, 1, 0))), "sem_num out of range");
        assertEquals(Errno.ERANGE, errno(() -> ipc.semop(s, new SemOp(0, 101, 0))), "over semvmx");
        assertEquals(Errno.ERANGE, errno(() -> ipc.semctl(s, 0, SETVAL, 101)));
        assertEquals(Errno.EINVAL, errno(() -> ipc.semctl(s, 2, GETVAL, 0)));
        assertEquals(Errno.EINVAL, errno(() -> ipc.semget(IPC_PRIVATE, 0, 0600)), "a new set needs semaphores");
    }

    @Test
    void aBlockedSemopIsCountedInNcntAndProceedsWhenAnotherPosts() throws Exception {
        SysVIpc poster = process("p1", 1, ALICE).ipc;
        int s = poster.semget(0x5, 1, IPC_CREAT | 0600);
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> process("p1", 2, ALICE).ipc.semop(s, new SemOp(0, -1, 0)));
        await("the waiter is counted", () -> poster.semctl(s, 0, GETNCNT, 0) == 1);
        poster.semop(s, new SemOp(0, 1, 0));
        waiter.get(10, TimeUnit.SECONDS);
        assertEquals(0, poster.semctl(s, 0, GETVAL, 0));
        assertEquals(0, poster.semctl(s, 0, GETNCNT, 0));
        assertEquals(2, poster.semctl(s, 0, GETPID, 0));
    }

    @Test
    void waitForZeroIsCountedInZcnt() throws Exception {
        SysVIpc ipc = process("p1", 1, ALICE).ipc;
        int s = ipc.semget(IPC_PRIVATE, 1, 0600);
        ipc.semctl(s, 0, SETVAL, 2);
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> process("p1", 2, ALICE).ipc.semop(s, new SemOp(0, 0, 0)));
        await("the waiter is counted", () -> ipc.semctl(s, 0, GETZCNT, 0) == 1);
        ipc.semop(s, new SemOp(0, -2, 0));
        waiter.get(10, TimeUnit.SECONDS);
    }

    @Test
    void semtimedopGivesUpWithEagain() {
        SysVIpc ipc = process("p1", 1, ALICE).ipc;
        int s = ipc.semget(IPC_PRIVATE, 1, 0600);
        Instant begin = Instant.now();
        assertEquals(Errno.EAGAIN, errno(() -> ipc.semtimedop(s, Duration.ofMillis(50), new SemOp(0, -1, 0))));
        assertTrue(Duration.between(begin, Instant.now()).toMillis() >= 40);
        assertEquals(0, ipc.semctl(s, 0, GETNCNT, 0));
    }

    @Test
    void semUndoIsAppliedWhenTheProcessEnds() {
        TestProcess holder = process("p1", 7, ALICE);
        int s = holder.ipc.semget(IPC_PRIVATE, 1, 0600);
        holder.ipc.semctl(s, 0, SETVAL, 1);
        holder.ipc.semop(s, new SemOp(0, -1, SEM_UNDO));
        assertEquals(0, holder.ipc.semctl(s, 0, GETVAL, 0));
        virtualizer.processEnded("p1", ended(7));
        assertEquals(1, holder.ipc.semctl(s, 0, GETVAL, 0), "the dead holder's P was undone");
        assertEquals(7, holder.ipc.semctl(s, 0, GETPID, 0));
    }

    static ProcessInfo ended(int vpid) {
        return new ProcessInfo(vpid, "test", List.of(), ALICE, ProcessStatus.KILLED, Optional.empty(), Optional.empty(),
                Instant.now(), Map.of());
    }

    @Test
    void removingASetWakesWaitersWithEidrm() throws Exception {
        SysVIpc ipc = process("p1", 1, ALICE).ipc;
        int s = ipc.semget(IPC_PRIVATE, 1, 0600);
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> process("p1", 2, ALICE).ipc.semop(s, new SemOp(0, -1, 0)));
        await("the waiter is counted", () -> ipc.semctl(s, 0, GETNCNT, 0) == 1);
        ipc.semctl(s, 0, IPC_RMID, 0);
        Throwable failure = assertThrows(Exception.class, () -> waiter.get(10, TimeUnit.SECONDS)).getCause();
        assertEquals(Errno.EIDRM, ((KernelException) failure).errno());
    }

    // ---- shared memory

    @Test
    void sharedMemoryIsSharedAndBoundsAreChecked() {
        SysVIpc a = process("p1", 1, ALICE).ipc;
        SysVIpc b = process("p1", 2, ALICE).ipc;
        int id = a.shmget(0x51, 100, IPC_CREAT | 0600);
        SharedMemory mine = a.shmat(id, 0);
        SharedMemory theirs = b.shmat(b.shmget(0x51, 50, 0), SHM_RDONLY);
        mine.putLong(8, 42);
        assertEquals(42, theirs.getLong(8));
        assertEquals(43, mine.addLong(8, 1));
        assertEquals(Errno.EACCES, errno(() -> theirs.putLong(0, 1)), "attached read-only");
        assertEquals(Errno.EFAULT, errno(() -> mine.getLong(93)));
        assertEquals(Errno.EINVAL, errno(() -> b.shmget(0x51, 101, 0)), "larger than the segment");
        ShmidDs stat = a.shmctl(id, IPC_STAT, null);
        assertEquals(2, stat.nattch());
        assertEquals(100, stat.segsz());
        assertEquals(1, stat.cpid());
    }

    @Test
    void aRemovedSegmentStaysUsableUntilItsLastDetach() {
        SysVIpc ipc = process("p1", 1, ALICE).ipc;
        int id = ipc.shmget(0x52, 64, IPC_CREAT | 0600);
        SharedMemory first = ipc.shmat(id, 0);
        SharedMemory second = ipc.shmat(id, 0);
        ipc.shmctl(id, IPC_RMID, null);
        ShmidDs stat = ipc.shmctl(id, IPC_STAT, null);
        assertEquals(IPC_PRIVATE, stat.perm().key(), "the key becomes private");
        assertEquals(ShmidDs.SHM_DEST, stat.perm().mode() & ShmidDs.SHM_DEST);
        assertEquals(Errno.ENOENT, errno(() -> ipc.shmget(0x52, 64, 0)));
        first.putLong(0, 7);
        first.detach();
        assertEquals(7, second.getLong(0));
        second.detach();
        assertEquals(Errno.EINVAL, errno(() -> ipc.shmctl(id, IPC_STAT, null)), "destroyed at the last detach");
        assertEquals(Errno.EINVAL, errno(second::detach));
    }

    // ---- isolation and lifecycle

    @Test
    void noPartitionCanNameOrReachAnotherPartitionsObjects() {
        SysVIpc p1 = process("p1", 1, Credentials.ROOT).ipc;
        SysVIpc p2 = process("p2", 1, Credentials.ROOT).ipc;
        int q1 = p1.msgget(0x77, IPC_CREAT | 0666);
        int q2 = p2.msgget(0x77, IPC_CREAT | 0666);
        p1.msgsnd(q1, 1, bytes("secret"), 0);
        assertEquals(Errno.ENOMSG, errno(() -> p2.msgrcv(q2, 100, 0, IPC_NOWAIT)), "the same key is another queue");
        int s1 = p1.semget(IPC_PRIVATE, 1, 0600);
        int m1 = p1.shmget(IPC_PRIVATE, 10, 0600);
        p2.msgctl(q2, IPC_RMID, null);
        assertEquals(Errno.EINVAL, errno(() -> p2.msgrcv(q1, 100, 0, IPC_NOWAIT)), "p1's id means nothing in p2");
        assertEquals(Errno.EINVAL, errno(() -> p2.semctl(s1, 0, GETVAL, 0)));
        assertEquals(Errno.EINVAL, errno(() -> p2.shmat(m1, 0)));
        assertEquals(1, p1.msgctl(q1, IPC_STAT, null).qnum());
        assertEquals(List.of("p1"), virtualizer.list(Optional.empty()).stream().map(o -> o.partition()).distinct().toList());
    }

    @Test
    void aStoppedPartitionsObjectsAndRealIdsAreGone() {
        SysVIpc ipc = process("p1", 1, ALICE).ipc;
        ipc.msgget(IPC_PRIVATE, 0600);
        ipc.semget(IPC_PRIVATE, 1, 0600);
        assertEquals(2, node.allocated.size());
        virtualizer.partitionChanged(new PartitionEvent("p1", "node1", Optional.of(PartitionState.ACTIVE),
                Optional.of(PartitionState.STOPPED), Optional.empty(), Instant.now()));
        assertEquals(0, node.allocated.size());
        assertEquals(List.of(), virtualizer.list(Optional.of("p1")));
    }
}
