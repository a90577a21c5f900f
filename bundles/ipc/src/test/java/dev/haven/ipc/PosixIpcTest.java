package dev.haven.ipc;

import static dev.haven.api.ipc.Posix.O_CREAT;
import static dev.haven.api.ipc.Posix.O_EXCL;
import static dev.haven.api.ipc.Posix.O_NONBLOCK;
import static dev.haven.api.ipc.Posix.O_RDONLY;
import static dev.haven.api.ipc.Posix.O_RDWR;
import static dev.haven.api.ipc.Posix.O_TRUNC;
import static dev.haven.api.ipc.Posix.O_WRONLY;
import static dev.haven.api.ipc.Posix.PROT_READ;
import static dev.haven.api.ipc.Posix.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.haven.api.ipc.MappedMemory;
import dev.haven.api.ipc.MqAttr;
import dev.haven.api.ipc.MqMessage;
import dev.haven.api.ipc.PosixIpc;
import dev.haven.api.ipc.PosixObjectInfo;
import dev.haven.api.ipc.PosixStat;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.firmware.IdSpace;

/** POSIX semaphores, queues and shared memory behave as on Linux, per partition, with handles per process. */
class PosixIpcTest {
    static final Credentials ALICE = new Credentials(1000, 100);
    static final Credentials BOB = new Credentials(1001, 100);

    final TestProcess.Node node = new TestProcess.Node("node1", 700_000);
    final PosixVirtualizer virtualizer = new PosixVirtualizer();

    PosixIpc process(String partition, int pid, Credentials credentials, Map<String, Long> limits) {
        return new TestProcess(null, partition, pid, credentials, node, limits).posix(virtualizer);
    }

    PosixIpc process(int pid) {
        return process("p1", pid, ALICE, Map.of());
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(MqMessage message) {
        return new String(message.data(), StandardCharsets.UTF_8);
    }

    static Errno errno(Runnable call) {
        return assertThrows(KernelException.class, call::run).errno();
    }

    PosixObjectInfo info(String partition, String name) {
        return virtualizer.list(Optional.of(partition)).stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow();
    }

    // ---- semaphores

    @Test
    void aSemaphoreCountsPostsAndWaitsAcrossProcesses() {
        PosixIpc one = process(1);
        PosixIpc two = process(2);
        int a = one.semOpen("/lock", O_CREAT | O_EXCL, 0600, 2);
        int b = two.semOpen("/lock", 0, 0, 99);
        assertEquals(3, a, "the first handle after the standard streams");
        assertEquals(2, two.semGetvalue(b), "the value of an existing semaphore is not reset by sem_open");
        one.semWait(a);
        two.semTrywait(b);
        assertEquals(Errno.EAGAIN, errno(() -> one.semTrywait(a)));
        two.semPost(b);
        assertEquals(1, one.semGetvalue(a));
        assertEquals(2, info("p1", "/lock").lpid(), "the last process to change it");
        assertTrue(info("p1", "/lock").mtime() >= info("p1", "/lock").ctime());
    }

    @Test
    void aWaiterIsWokenByAPostAndATimedWaitTimesOut() throws Exception {
        PosixIpc one = process(1);
        PosixIpc two = process(2);
        int a = one.semOpen("/s", O_CREAT, 0600, 0);
        int b = two.semOpen("/s", 0, 0, 0);
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> one.semWait(a));
        PosixSem sem = (PosixSem) virtualizer.namespace(new TestProcess(null, "p1", 1, ALICE, node, Map.of())).all().get(0);
        SysVIpcTest.await("the waiter waits", () -> {
            sem.lock.lock();
            try {
                return sem.waiters == 1;
            } finally {
                sem.lock.unlock();
            }
        });
        assertEquals(1, info("p1", "/s").count(), "ipcs shows the waiter");
        two.semPost(b);
        waiting.get(10, TimeUnit.SECONDS);
        assertEquals(0, two.semGetvalue(b));
        Instant before = Instant.now();
        assertEquals(Errno.ETIMEDOUT, errno(() -> two.semTimedwait(b, before.plusMillis(50))));
        assertTrue(!Instant.now().isBefore(before.plusMillis(50)), "it waited until the deadline");
        two.semPost(b);
        two.semTimedwait(b, Instant.EPOCH); // a past deadline does not matter when no wait is needed
    }

    @Test
    void openingASemaphoreTwiceInAProcessGivesTheSameHandleCounted() {
        PosixIpc one = process(1);
        int a = one.semOpen("/s", O_CREAT, 0600, 1);
        assertEquals(a, one.semOpen("/s", 0, 0, 0));
        one.semClose(a);
        assertEquals(1, one.semGetvalue(a), "still open once");
        one.semClose(a);
        assertEquals(Errno.EINVAL, errno(() -> one.semGetvalue(a)));
    }

    @Test
    void anUnlinkedSemaphoreLivesUntilItsLastCloseAndItsNameCanBeReused() {
        PosixIpc one = process(1);
        int a = one.semOpen("/s", O_CREAT, 0600, 5);
        int realId = info("p1", "/s").realId();
        one.semUnlink("/s");
        assertEquals(Errno.ENOENT, errno(() -> process(2).semOpen("/s", 0, 0, 0)));
        assertTrue(info("p1", "/s").unlinked());
        one.semPost(a);
        assertEquals(6, one.semGetvalue(a));
        int b = process(2).semOpen("/s", O_CREAT | O_EXCL, 0600, 0);
        assertEquals(2, virtualizer.list(Optional.of("p1")).size(), "the unlinked one and the new one");
        one.semClose(a);
        assertEquals(List.of(false), virtualizer.list(Optional.of("p1")).stream().map(PosixObjectInfo::unlinked).toList());
        assertFalse(node.allocated.containsKey(realId), "the real object went with the last close");
        assertEquals(3, b);
    }

    // ---- message queues

    @Test
    void messagesComeOutByPriorityThenArrival() {
        PosixIpc one = process(1);
        int q = one.mqOpen("/q", O_CREAT | O_RDWR, 0600, MqAttr.of(10, 64));
        String[][] sent = { { "a", "1" }, { "b", "5" }, { "c", "1" }, { "d", "0" }, { "e", "5" }, { "f", "32767" } };
        for (String[] message : sent) {
            one.mqSend(q, bytes(message[0]), Integer.parseInt(message[1]));
        }
        List<String> received = new ArrayList<>();
        for (int i = 0; i < sent.length; i++) {
            MqMessage message = one.mqReceive(q, 64);
            received.add(text(message) + message.priority());
        }
        assertEquals(List.of("f32767", "b5", "e5", "a1", "c1", "d0"), received);
    }

    @Test
    void attributesDefaultsAndNonblockingDescriptions() {
        PosixIpc one = process(1);
        int q = one.mqOpen("/q", O_CREAT | O_RDWR, 0640, null);
        assertEquals(new MqAttr(0, 10, 8192, 0), one.mqGetattr(q), "Linux's msg_default and msgsize_default");
        int nb = one.mqOpen("/q", O_RDONLY | O_NONBLOCK, 0, null);
        assertEquals(O_NONBLOCK, one.mqGetattr(nb).flags());
        assertEquals(Errno.EAGAIN, errno(() -> one.mqReceive(nb, 8192)));
        MqAttr old = one.mqSetattr(nb, new MqAttr(0, 99, 99, 99));
        assertEquals(new MqAttr(O_NONBLOCK, 10, 8192, 0), old);
        assertEquals(new MqAttr(0, 10, 8192, 0), one.mqGetattr(nb), "only O_NONBLOCK changes");
        one.mqSetattr(q, new MqAttr(O_NONBLOCK, 0, 0, 0));
        for (int i = 0; i < 10; i++) {
            one.mqSend(q, new byte[] { (byte) i }, 0);
        }
        assertEquals(Errno.EAGAIN, errno(() -> one.mqSend(q, new byte[1], 0)));
        assertEquals(10, one.mqGetattr(nb).curmsgs());
        PosixStat stat = one.fstat(q);
        assertEquals(0640, stat.mode());
        assertEquals(ALICE.uid(), stat.uid());
        assertEquals(10, stat.size());
    }

    @Test
    void aSenderWaitsOnAFullQueueAndATimedReceiveTimesOut() throws Exception {
        PosixIpc one = process(1);
        PosixIpc two = process(2);
        int q = one.mqOpen("/q", O_CREAT | O_WRONLY, 0600, MqAttr.of(1, 16));
        int r = two.mqOpen("/q", O_RDONLY, 0, null);
        one.mqSend(q, bytes("first"), 1);
        assertEquals(Errno.ETIMEDOUT, errno(() -> one.mqTimedsend(q, bytes("x"), 1, Instant.now().plusMillis(20))));
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> one.mqSend(q, bytes("second"), 9));
        PosixMq queue = (PosixMq) virtualizer.namespace(new TestProcess(null, "p1", 1, ALICE, node, Map.of())).all().get(0);
        SysVIpcTest.await("the sender waits", () -> {
            queue.lock.lock();
            try {
                return queue.lock.hasWaiters(queue.changed);
            } finally {
                queue.lock.unlock();
            }
        });
        assertEquals("first", text(two.mqReceive(r, 16)));
        sending.get(10, TimeUnit.SECONDS);
        MqMessage second = two.mqTimedreceive(r, 16, Instant.now().plusSeconds(10));
        assertEquals("second", text(second));
        assertEquals(9, second.priority());
        assertEquals(Errno.ETIMEDOUT, errno(() -> two.mqTimedreceive(r, 16, Instant.now().plusMillis(20))));
    }

    @Test
    void anUnlinkedQueueKeepsWorkingForItsHoldersAndGoesWithTheLastClose() {
        PosixIpc one = process(1);
        int q = one.mqOpen("/q", O_CREAT | O_RDWR, 0600, MqAttr.of(4, 8));
        int realId = info("p1", "/q").realId();
        one.mqUnlink("/q");
        one.mqSend(q, bytes("kept"), 3);
        assertEquals("kept", text(one.mqReceive(q, 8)));
        assertEquals(Errno.ENOENT, errno(() -> one.mqOpen("/q", O_RDONLY, 0, null)));
        one.close(q);
        assertEquals(List.of(), virtualizer.list(Optional.of("p1")));
        assertFalse(node.allocated.containsKey(realId));
    }

    @Test
    void mqCloseAndCloseAreTheSameCallForAnyDescriptorButNotForASemaphore() {
        PosixIpc one = process(1);
        int q = one.mqOpen("/q", O_CREAT | O_RDWR, 0600, null);
        int fd = one.shmOpen("/m", O_CREAT | O_RDWR, 0600);
        int s = one.semOpen("/s", O_CREAT, 0600, 0);
        one.mqClose(fd);
        one.close(q);
        assertEquals(Errno.EBADF, errno(() -> one.fstat(fd)));
        assertEquals(Errno.EBADF, errno(() -> one.mqGetattr(q)));
        assertEquals(Errno.EBADF, errno(() -> one.mqClose(s)));
        assertEquals(0, one.semGetvalue(s));
    }

    // ---- shared memory

    @Test
    void sharedMemoryIsSharedTruncatedAndMappedAsOnLinux() {
        PosixIpc one = process(1);
        PosixIpc two = process(2);
        int fd = one.shmOpen("/m", O_CREAT | O_RDWR, 0644);
        assertEquals(0, one.fstat(fd).size(), "a new object is empty");
        one.ftruncate(fd, 4096);
        MappedMemory writer = one.mmap(fd, 4096, PROT_READ | PROT_WRITE);
        writer.putLong(8, 42);
        writer.write(100, bytes("hello"), 0, 5);
        int other = two.shmOpen("/m", O_RDONLY, 0);
        MappedMemory reader = two.mmap(other, 4096, PROT_READ);
        assertEquals(42, reader.getLong(8));
        byte[] read = new byte[5];
        reader.read(100, read, 0, 5);
        assertArrayEquals(bytes("hello"), read);
        assertEquals(43, writer.addLong(8, 1));
        assertEquals(Errno.EACCES, errno(() -> reader.putLong(0, 1)));
        one.ftruncate(fd, 16);
        assertEquals(Errno.EFAULT, errno(() -> reader.getLong(100)), "past the end of the object: SIGBUS on Linux");
        assertEquals(43, reader.getLong(8));
        one.shmOpen("/m", O_RDWR | O_TRUNC, 0);
        assertEquals(0, two.fstat(other).size(), "O_TRUNC empties it");
        assertEquals(2, info("p1", "/m").count(), "two mappings");
        assertEquals(List.of("1:3", "1:4", "1:@0x7f0000000000", "2:3", "2:@0x7f0000000000"), info("p1", "/m").handles());
    }

    @Test
    void aMappingKeepsAnUnlinkedClosedObjectAliveAndARestoredViewFindsItByAddress() {
        PosixIpc one = process(1);
        int fd = one.shmOpen("/m", O_CREAT | O_RDWR, 0600);
        one.ftruncate(fd, 64);
        MappedMemory memory = one.mmap(fd, 64, PROT_READ | PROT_WRITE);
        one.close(fd);
        one.shmUnlink("/m");
        memory.putLong(0, 7);
        MappedMemory again = one.mapping(memory.address());
        assertEquals(7, again.getLong(0));
        assertEquals(1, virtualizer.list(Optional.of("p1")).size());
        again.munmap();
        assertEquals(Errno.EINVAL, errno(() -> memory.getLong(0)), "the mapping is gone for every view of it");
        assertEquals(List.of(), virtualizer.list(Optional.of("p1")));
        assertEquals(0, node.allocated(IdSpace.POSIX));
    }

    // ---- processes, partitions, operators

    @Test
    void aProcessThatEndsClosesItsHandlesAndMappings() {
        PosixIpc one = process(1);
        one.semOpen("/s", O_CREAT, 0600, 0);
        int q = one.mqOpen("/q", O_CREAT | O_RDWR, 0600, null);
        int fd = one.shmOpen("/m", O_CREAT | O_RDWR, 0600);
        one.ftruncate(fd, 8);
        one.mmap(fd, 8, PROT_READ);
        one.mqUnlink("/q");
        virtualizer.processEnded("p1", SysVIpcTest.ended(1));
        assertEquals(List.of("/m", "/s"), virtualizer.list(Optional.of("p1")).stream().map(PosixObjectInfo::name).sorted().toList(),
                "the unlinked queue went with its last holder; named objects stay");
        assertTrue(virtualizer.list(Optional.of("p1")).stream().allMatch(o -> o.opens() == 0 && o.handles().isEmpty()));
        assertEquals(Errno.EBADF, errno(() -> one.mqGetattr(q)));
    }

    @Test
    void partitionsDoNotSeeOrTouchEachOthersObjects() {
        PosixIpc p1 = process("p1", 1, ALICE, Map.of());
        PosixIpc p2 = process("p2", 1, ALICE, Map.of());
        int s1 = p1.semOpen("/shared-name", O_CREAT, 0666, 1);
        int q1 = p1.mqOpen("/shared-name", O_CREAT | O_RDWR, 0666, null);
        int m1 = p1.shmOpen("/shared-name", O_CREAT | O_RDWR, 0666);
        assertEquals(Errno.ENOENT, errno(() -> p2.semOpen("/shared-name", 0, 0, 0)));
        assertEquals(Errno.ENOENT, errno(() -> p2.mqOpen("/shared-name", O_RDONLY, 0, null)));
        assertEquals(Errno.ENOENT, errno(() -> p2.shmOpen("/shared-name", O_RDONLY, 0)));
        assertEquals(Errno.ENOENT, errno(() -> p2.mqUnlink("/shared-name")));
        assertEquals(Errno.EINVAL, errno(() -> p2.semPost(s1)), "the same vpid in another partition has no handles");
        assertEquals(Errno.EBADF, errno(() -> p2.mqSend(q1, new byte[1], 0)));
        assertEquals(Errno.EBADF, errno(() -> p2.ftruncate(m1, 8)));
        int s2 = p2.semOpen("/shared-name", O_CREAT | O_EXCL, 0600, 0);
        p2.semPost(s2);
        assertEquals(1, p1.semGetvalue(s1));
        assertEquals(3, virtualizer.list(Optional.of("p1")).size());
        assertEquals(1, virtualizer.list(Optional.of("p2")).size());
        assertNotEquals(info("p1", "/shared-name").realId(), info("p2", "/shared-name").realId());
        virtualizer.unlink("p2", "posix-sem", "/shared-name");
        assertEquals(1, p1.semGetvalue(s1));
        assertEquals(3, virtualizer.list(Optional.of("p1")).stream().filter(o -> !o.unlinked()).count());
    }

    @Test
    void theOperatorUnlinksAsRootWouldAndGetsLinuxsErrors() {
        PosixIpc one = process(1);
        int q = one.mqOpen("/q", O_CREAT | O_RDWR, 0600, null);
        virtualizer.unlink("p1", "posix-mq", "/q");
        assertTrue(info("p1", "/q").unlinked(), "still open by vpid 1");
        one.mqSend(q, new byte[1], 0);
        KernelException missing = assertThrows(KernelException.class, () -> virtualizer.unlink("p1", "posix-mq", "/q"));
        assertEquals(Errno.ENOENT, missing.errno());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> virtualizer.unlink("p1", "posix-fifo", "/q")).errno());
        assertEquals(Errno.ENOENT, assertThrows(KernelException.class, () -> virtualizer.unlink("p9", "posix-mq", "/q")).errno());
    }

    @Test
    void theSuperuserPassesTheQueueLimitsUpToLinuxsHardOnes() {
        PosixIpc root = process("p1", 1, Credentials.ROOT, Map.of("mqueue.queues_max", 1L));
        root.mqOpen("/a", O_CREAT | O_RDWR, 0600, MqAttr.of(1000, 100_000));
        root.mqOpen("/b", O_CREAT | O_RDWR, 0600, null);
        assertEquals(Errno.EINVAL, errno(() -> root.mqOpen("/c", O_CREAT | O_RDWR, 0600, MqAttr.of(65537, 1))));
        assertEquals(Errno.ENOSPC, errno(() -> process("p1", 2, ALICE, Map.of("mqueue.queues_max", 2L))
                .mqOpen("/d", O_CREAT | O_RDWR, 0600, null)));
    }

    @Test
    void stoppingThePartitionFailsItsWaitersAndReturnsEveryRealId() throws Exception {
        PosixIpc one = process(1);
        int s = one.semOpen("/s", O_CREAT, 0600, 0);
        one.mqOpen("/q", O_CREAT | O_RDWR, 0600, null);
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> one.semWait(s));
        PosixSem sem = (PosixSem) virtualizer.namespace(new TestProcess(null, "p1", 1, ALICE, node, Map.of())).all().get(0);
        SysVIpcTest.await("the waiter waits", () -> {
            sem.lock.lock();
            try {
                return sem.waiters == 1;
            } finally {
                sem.lock.unlock();
            }
        });
        virtualizer.partitionChanged(new dev.haven.api.partition.PartitionEvent("p1", "node1", Optional.of(
                dev.haven.api.partition.PartitionState.ACTIVE), Optional.of(dev.haven.api.partition.PartitionState.STOPPED),
                Optional.empty(), Instant.now()));
        Exception failure = assertThrows(Exception.class, () -> waiting.get(10, TimeUnit.SECONDS));
        assertEquals(Errno.EIDRM, ((KernelException) failure.getCause()).errno());
        assertEquals(0, node.allocated(IdSpace.POSIX));
        assertEquals(List.of(), virtualizer.list(Optional.empty()));
    }
}
