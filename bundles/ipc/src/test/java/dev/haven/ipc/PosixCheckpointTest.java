package dev.haven.ipc;

import static dev.haven.api.ipc.Posix.O_CREAT;
import static dev.haven.api.ipc.Posix.O_NONBLOCK;
import static dev.haven.api.ipc.Posix.O_RDONLY;
import static dev.haven.api.ipc.Posix.O_RDWR;
import static dev.haven.api.ipc.Posix.O_WRONLY;
import static dev.haven.api.ipc.Posix.PROT_READ;
import static dev.haven.api.ipc.Posix.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.haven.api.checkpoint.CheckpointContext;
import dev.haven.api.checkpoint.ImageHeader;
import dev.haven.api.checkpoint.RestoreContext;
import dev.haven.api.firmware.IdSpace;
import dev.haven.api.ipc.MappedMemory;
import dev.haven.api.ipc.MqAttr;
import dev.haven.api.ipc.MqMessage;
import dev.haven.api.ipc.PosixIpc;
import dev.haven.api.ipc.PosixObjectInfo;
import dev.haven.api.ipc.PosixStat;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.partition.PartitionEvent;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.PartitionState;

/**
 * The posix-ipc section brings every POSIX object back on another node as it was — names, handles, mapping
 * addresses, owners, modes, times, values, messages with their priorities and order, unlinked-but-open objects —
 * behind new real objects with new real ids; waiters are not part of it and re-issue their calls.
 */
class PosixCheckpointTest {
    static final Credentials ALICE = PosixIpcTest.ALICE;
    static final Credentials BOB = PosixIpcTest.BOB;

    final TestProcess.Node node1 = new TestProcess.Node("node1", 500_000);
    final TestProcess.Node node2 = new TestProcess.Node("node2", 900_000);
    final PosixVirtualizer source = new PosixVirtualizer();
    final PosixVirtualizer target = new PosixVirtualizer();

    PosixIpc on(PosixVirtualizer virtualizer, TestProcess.Node node, int pid, Credentials credentials, Map<String, Long> limits) {
        return new TestProcess(null, "p1", pid, credentials, node, limits).posix(virtualizer);
    }

    PosixIpc before(int pid) {
        return on(source, node1, pid, ALICE, Map.of());
    }

    PosixIpc after(int pid) {
        return on(target, node2, pid, ALICE, Map.of());
    }

    byte[] checkpoint() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        source.checkpoint(new CheckpointContext("p1", "node1", PartitionSpec.DEFAULT, Instant.now()),
                new IpcCheckpointTest.Output(bytes));
        return bytes.toByteArray();
    }

    void restore(byte[] section) throws IOException {
        ImageHeader header = new ImageHeader(1, "p1", PartitionSpec.DEFAULT, "node1", Instant.now(), Map.of());
        target.restore(new RestoreContext("p1", header, "node2", node2, PartitionSpec.DEFAULT), PosixSection.VERSION,
                new IpcCheckpointTest.Input(section));
    }

    /** The source instance ends, as a migration's source does after the image is written. */
    void stopSource() {
        source.partitionChanged(new PartitionEvent("p1", "node1", Optional.of(PartitionState.ACTIVE),
                Optional.of(PartitionState.STOPPED), Optional.empty(), Instant.now()));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** An info without its real id, to compare what must survive. */
    static PosixObjectInfo virtual(PosixObjectInfo info) {
        return new PosixObjectInfo(info.partition(), info.kind(), info.name(), 0, info.perm(), info.size(), info.count(),
                info.capacity(), info.msgsize(), info.ctime(), info.mtime(), info.lpid(), info.opens(), info.unlinked(),
                info.handles());
    }

    @Test
    void everyObjectHandleAndMappingComesBackAsItWasBehindNewRealIds() throws Exception {
        PosixIpc one = before(1);
        PosixIpc two = on(source, node1, 2, BOB, Map.of());
        int sem = one.semOpen("/sem", O_CREAT, 0666, 3);
        assertEquals(sem, one.semOpen("/sem", 0, 0, 0), "opened twice: one handle, two opens");
        int semOfTwo = two.semOpen("/sem", 0, 0, 0);
        int q = one.mqOpen("/jobs", O_CREAT | O_RDWR, 0640, MqAttr.of(8, 32));
        String[][] sent = { { "low", "1" }, { "high", "7" }, { "low2", "1" }, { "mid", "4" }, { "high2", "7" } };
        for (String[] message : sent) {
            one.mqSend(q, bytes(message[0]), Integer.parseInt(message[1]));
        }
        int nonblocking = one.mqOpen("/jobs", O_RDONLY | O_NONBLOCK, 0, null);
        int gone = one.mqOpen("/gone", O_CREAT | O_RDWR, 0600, MqAttr.of(2, 8));
        one.mqSend(gone, bytes("still"), 2);
        one.mqUnlink("/gone");
        int fd = one.shmOpen("/table", O_CREAT | O_RDWR, 0644);
        one.ftruncate(fd, 8192);
        MappedMemory table = one.mmap(fd, 8192, PROT_READ | PROT_WRITE);
        table.putLong(4096, 0x5EED_CAFEL);
        int hidden = one.shmOpen("/hidden", O_CREAT | O_RDWR, 0600);
        one.ftruncate(hidden, 16);
        MappedMemory secret = one.mmap(hidden, 16, PROT_READ | PROT_WRITE);
        secret.putLong(8, 99);
        one.close(hidden);
        one.shmUnlink("/hidden");
        PosixStat queueStat = one.fstat(q);
        PosixStat tableStat = one.fstat(fd);
        List<PosixObjectInfo> listed = source.list(Optional.of("p1"));

        byte[] section = checkpoint();
        assertEquals(5, one.mqGetattr(q).curmsgs(), "the capture drained nothing");
        stopSource();
        restore(section);
        List<PosixObjectInfo> restored = target.list(Optional.of("p1"));

        assertEquals(listed.stream().map(PosixCheckpointTest::virtual).toList(), restored.stream().map(PosixCheckpointTest::virtual).toList(),
                "names, kinds, owners, modes, values, sizes, times, last pids, opens, unlinked flags and handles");
        for (int i = 0; i < listed.size(); i++) {
            assertNotEquals(listed.get(i).realId(), restored.get(i).realId());
            assertTrue(restored.get(i).realId() >= 900_000, "a real id of node2: " + restored.get(i));
        }
        assertEquals(List.of("1:3", "2:3"), restored.stream().filter(o -> o.name().equals("/sem")).findFirst().orElseThrow().handles());

        PosixIpc oneAfter = after(1);
        PosixIpc twoAfter = on(target, node2, 2, BOB, Map.of());
        assertEquals(queueStat, oneAfter.fstat(q), "mode, owner, bytes queued, times");
        assertEquals(tableStat, oneAfter.fstat(fd));
        assertEquals(new MqAttr(O_NONBLOCK, 8, 32, 5), oneAfter.mqGetattr(nonblocking), "the description kept O_NONBLOCK");
        List<String> received = new ArrayList<>();
        for (int i = 0; i < sent.length; i++) {
            MqMessage message = oneAfter.mqReceive(q, 32);
            received.add(new String(message.data(), StandardCharsets.UTF_8) + "@" + message.priority());
        }
        assertEquals(List.of("high@7", "high2@7", "mid@4", "low@1", "low2@1"), received);
        assertEquals(Errno.EAGAIN, assertThrows(KernelException.class, () -> oneAfter.mqReceive(nonblocking, 32)).errno());
        assertEquals("still", new String(oneAfter.mqReceive(gone, 8).data(), StandardCharsets.UTF_8), "unlinked but open");
        assertEquals(Errno.ENOENT, assertThrows(KernelException.class, () -> oneAfter.mqOpen("/gone", O_RDONLY, 0, null)).errno());

        assertEquals(3, twoAfter.semGetvalue(semOfTwo));
        oneAfter.semClose(sem);
        oneAfter.semPost(sem);
        twoAfter.semWait(semOfTwo);
        assertEquals(3, oneAfter.semGetvalue(sem));

        assertEquals(0x5EED_CAFEL, oneAfter.mapping(table.address()).getLong(4096), "the mapping is back at its address");
        MappedMemory secretAfter = oneAfter.mapping(secret.address());
        assertEquals(99, secretAfter.getLong(8), "an unlinked, closed object lives on in its mapping");
        secretAfter.munmap();
        assertTrue(target.list(Optional.of("p1")).stream().noneMatch(o -> o.name().equals("/hidden")), "gone with its last mapping");

        int next = oneAfter.mqOpen("/jobs", O_WRONLY, 0, null);
        assertEquals(hidden, next, "new handles take the lowest free number: 3..7 came back, /hidden's 8 was closed");
        assertEquals(0, node1.allocated(IdSpace.POSIX), "the source gave its real ids back");
    }

    @Test
    void aFullQueueWithABlockedSenderIsCapturedWithoutTheWaitingMessage() throws Exception {
        PosixIpc writer = before(4);
        int q = writer.mqOpen("/full", O_CREAT | O_WRONLY, 0600, MqAttr.of(2, 8));
        writer.mqSend(q, bytes("one"), 1);
        writer.mqSend(q, bytes("two"), 5);
        CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> writer.mqSend(q, bytes("three"), 9));
        PosixMq queue = (PosixMq) source.namespace(new TestProcess(null, "p1", 4, ALICE, node1, Map.of())).all().get(0);
        SysVIpcTest.await("the sender waits", () -> {
            queue.lock.lock();
            try {
                return queue.lock.hasWaiters(queue.changed);
            } finally {
                queue.lock.unlock();
            }
        });
        byte[] section = checkpoint();
        stopSource();
        Exception ended = assertThrows(Exception.class, () -> blocked.get(10, TimeUnit.SECONDS));
        assertEquals(Errno.EIDRM, ((KernelException) ended.getCause()).errno(), "the source's waiter ends with its instance");
        restore(section);

        PosixIpc writerAfter = after(4);
        assertEquals(2, writerAfter.mqGetattr(q).curmsgs(), "the waiting sender's message was never in the queue");
        writerAfter.mqSetattr(q, new MqAttr(O_NONBLOCK, 0, 0, 0));
        assertEquals(Errno.EAGAIN, assertThrows(KernelException.class, () -> writerAfter.mqSend(q, bytes("three"), 9)).errno(),
                "still full");
        writerAfter.mqSetattr(q, new MqAttr(0, 0, 0, 0));
        PosixIpc reader = after(5);
        int r = reader.mqOpen("/full", O_RDONLY, 0, null);
        CompletableFuture<Void> reissued = CompletableFuture.runAsync(() -> writerAfter.mqSend(q, bytes("three"), 9));
        assertEquals("two", new String(reader.mqReceive(r, 8).data(), StandardCharsets.UTF_8));
        reissued.get(10, TimeUnit.SECONDS);
        assertEquals("three", new String(reader.mqReceive(r, 8).data(), StandardCharsets.UTF_8));
        assertEquals("one", new String(reader.mqReceive(r, 8).data(), StandardCharsets.UTF_8));
    }

    @Test
    void aBlockedSemWaitIsNotCapturedAndTheReissuedWaitIsWokenOnTheNewNode() throws Exception {
        PosixIpc waiter = before(6);
        int sem = waiter.semOpen("/gate", O_CREAT, 0600, 0);
        CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> waiter.semWait(sem));
        PosixSem gate = (PosixSem) source.namespace(new TestProcess(null, "p1", 6, ALICE, node1, Map.of())).all().get(0);
        SysVIpcTest.await("the waiter waits", () -> {
            gate.lock.lock();
            try {
                return gate.waiters == 1;
            } finally {
                gate.lock.unlock();
            }
        });
        byte[] section = checkpoint();
        stopSource();
        assertThrows(Exception.class, () -> blocked.get(10, TimeUnit.SECONDS));
        restore(section);

        PosixObjectInfo info = target.list(Optional.of("p1")).get(0);
        assertEquals(0, info.size(), "value 0");
        assertEquals(0, info.count(), "no waiter came along");
        PosixIpc waiterAfter = after(6);
        CompletableFuture<Void> reissued = CompletableFuture.runAsync(() -> waiterAfter.semWait(sem));
        PosixSem restored = (PosixSem) target.namespace(new TestProcess(null, "p1", 6, ALICE, node2, Map.of())).all().get(0);
        SysVIpcTest.await("the re-issued wait waits", () -> {
            restored.lock.lock();
            try {
                return restored.waiters == 1;
            } finally {
                restored.lock.unlock();
            }
        });
        after(7).semPost(after(7).semOpen("/gate", 0, 0, 0));
        reissued.get(10, TimeUnit.SECONDS);
        assertEquals(0, waiterAfter.semGetvalue(sem));
    }

    @Test
    void aProcessEndedByTheCheckpointKeepsItsHandlesForItsReturn() throws IOException {
        PosixIpc one = before(3);
        int q = one.mqOpen("/q", O_CREAT | O_RDWR, 0600, null);
        one.mqUnlink("/q");
        source.processEnded("p1", new dev.haven.api.partition.ProcessInfo(3, "test", List.of(), ALICE,
                dev.haven.api.partition.ProcessStatus.CHECKPOINTED, Optional.empty(), Optional.empty(), Instant.now(), Map.of()));
        assertEquals(1, source.list(Optional.of("p1")).size(), "still held by the checkpointed process");
        restore(checkpoint());
        after(3).mqSend(q, new byte[1], 0);
        target.processEnded("p1", SysVIpcTest.ended(3));
        assertEquals(List.of(), target.list(Optional.of("p1")), "its real end closes it");
        assertEquals(0, node2.allocated(IdSpace.POSIX));
    }

    @Test
    void aPartitionWithoutPosixObjectsHasAnEmptySection() throws IOException {
        restore(checkpoint());
        assertEquals(List.of(), target.list(Optional.of("p1")));
    }

    @Test
    void aDamagedSectionIsRefusedAndLeavesNoRealIdsBehind() throws IOException {
        PosixIpc one = before(1);
        one.semOpen("/s", O_CREAT, 0600, 1);
        int q = one.mqOpen("/q", O_CREAT | O_RDWR, 0600, null);
        one.mqSend(q, bytes("message"), 3);
        byte[] section = checkpoint();
        for (int cut : new int[] { 3, 20, section.length / 2 }) {
            byte[] damaged = java.util.Arrays.copyOf(section, section.length - cut);
            assertThrows(IOException.class, () -> restore(damaged), "cut " + cut);
            assertEquals(0, node2.allocated(IdSpace.POSIX), "cut " + cut);
        }
        byte[] badHandle = section.clone();
        // the last handle record's object id (after number; before access, nonblock, refs and the mapping count)
        int objectId = section.length - 4 - 4 - 1 - 4 - 4;
        badHandle[objectId] = 0x7f;
        assertThrows(IOException.class, () -> restore(badHandle));
        assertEquals(0, node2.allocated(IdSpace.POSIX));
        assertEquals(Errno.EBADF, assertThrows(KernelException.class, () -> after(1).mqGetattr(q)).errno());
    }
}
