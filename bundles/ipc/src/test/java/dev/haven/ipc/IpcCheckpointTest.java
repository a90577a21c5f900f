package dev.haven.ipc;

import static dev.haven.api.ipc.Ipc.GETPID;
import static dev.haven.api.ipc.Ipc.GETVAL;
import static dev.haven.api.ipc.Ipc.IPC_CREAT;
import static dev.haven.api.ipc.Ipc.IPC_NOWAIT;
import static dev.haven.api.ipc.Ipc.IPC_PRIVATE;
import static dev.haven.api.ipc.Ipc.IPC_RMID;
import static dev.haven.api.ipc.Ipc.IPC_STAT;
import static dev.haven.api.ipc.Ipc.SEM_UNDO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.haven.api.checkpoint.CheckpointContext;
import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.ImageHeader;
import dev.haven.api.checkpoint.RestoreContext;
import dev.haven.api.checkpoint.SectionInput;
import dev.haven.api.checkpoint.SectionOutput;
import dev.haven.api.ipc.IpcObjectInfo;
import dev.haven.api.ipc.MsqidDs;
import dev.haven.api.ipc.SemOp;
import dev.haven.api.ipc.SharedMemory;
import dev.haven.api.ipc.ShmidDs;
import dev.haven.api.ipc.SysVIpc;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.partition.PartitionSpec;

/** The ipc section restores every object as it was, on another node, with fresh real ids. */
class IpcCheckpointTest {
    static final Credentials ALICE = SysVIpcTest.ALICE;

    final TestProcess.Node node1 = new TestProcess.Node("node1", 500_000);
    final TestProcess.Node node2 = new TestProcess.Node("node2", 900_000);
    final IpcVirtualizer source = new IpcVirtualizer();
    final IpcVirtualizer target = new IpcVirtualizer();

    static final class Output extends DataOutputStream implements SectionOutput {
        Output(ByteArrayOutputStream bytes) {
            super(bytes);
        }

        public void writeString(String value) throws IOException {
            writeBytes(value.getBytes(StandardCharsets.UTF_8));
        }

        public void writeBytes(byte[] value) throws IOException {
            writeInt(value.length);
            write(value);
        }

        public OutputStream stream() {
            return this;
        }

        public long written() {
            return size();
        }
    }

    static final class Input extends DataInputStream implements SectionInput {
        Input(byte[] bytes) {
            super(new ByteArrayInputStream(bytes));
        }

        public String readString(int max) throws IOException {
            return new String(readBytes(max), StandardCharsets.UTF_8);
        }

        public byte[] readBytes(int max) throws IOException {
            int length = readInt();
            if (length < 0 || length > max || length > available()) {
                throw new ImageException(ImageException.Reason.CORRUPT, "bad length " + length);
            }
            return readNBytes(length);
        }

        public InputStream stream() {
            return this;
        }

        public long remaining() {
            try {
                return available();
            } catch (IOException e) {
                return 0;
            }
        }
    }

    byte[] checkpoint(String partition) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        source.checkpoint(new CheckpointContext(partition, "node1", PartitionSpec.DEFAULT, Instant.now()), new Output(bytes));
        return bytes.toByteArray();
    }

    void restore(String partition, byte[] section) throws IOException {
        ImageHeader header = new ImageHeader(1, partition, PartitionSpec.DEFAULT, "node1", Instant.now(), Map.of());
        target.restore(new RestoreContext(partition, header, "node2", node2, PartitionSpec.DEFAULT), IpcSection.VERSION, new Input(section));
    }

    TestProcess on(IpcVirtualizer virtualizer, TestProcess.Node node, int pid) {
        return new TestProcess(virtualizer, "p1", pid, ALICE, node, Map.of());
    }

    @Test
    void everyObjectComesBackWithItsVirtualIdKeyOwnerContentAndOrderButNewRealIds() throws IOException {
        SysVIpc before = on(source, node1, 3).ipc;
        before.msgget(IPC_PRIVATE, 0600); // a gap: id 0 removed below, so ids are not just 0, 1, 2
        int q = before.msgget(0x1001, IPC_CREAT | 0640);
        before.msgctl(0, IPC_RMID, null);
        before.msgsnd(q, 5, "five".getBytes(StandardCharsets.UTF_8), 0);
        before.msgsnd(q, 2, "two".getBytes(StandardCharsets.UTF_8), 0);
        before.msgsnd(q, 5, "five again".getBytes(StandardCharsets.UTF_8), 0);
        int s = before.semget(0x1002, 3, IPC_CREAT | 0600);
        before.semSetAll(s, new int[] { 4, 0, 9 });
        before.semop(s, new SemOp(0, -1, SEM_UNDO), new SemOp(2, 1, 0));
        int m = before.shmget(0x1003, 4096, IPC_CREAT | 0600);
        SharedMemory attached = before.shmat(m, 0);
        attached.putLong(128, 0xCAFEL);
        before.shmctl(m, IPC_RMID, null);
        MsqidDs queueBefore = before.msgctl(q, IPC_STAT, null);
        ShmidDs segmentBefore = before.shmctl(m, IPC_STAT, null);
        List<IpcObjectInfo> listed = source.list(Optional.of("p1"));

        byte[] section = checkpoint("p1");
        assertEquals(3, before.msgctl(q, IPC_STAT, null).qnum(), "the capture drained nothing");
        restore("p1", section);
        List<IpcObjectInfo> restored = target.list(Optional.of("p1"));

        SysVIpc after = on(target, node2, 3).ipc;
        assertEquals(queueBefore, after.msgctl(q, IPC_STAT, null));
        assertEquals(2, after.msgrcv(q, 100, -3, IPC_NOWAIT).type());
        assertEquals("five", new String(after.msgrcv(q, 100, 0, 0).data(), StandardCharsets.UTF_8));
        assertEquals("five again", new String(after.msgrcv(q, 100, 0, 0).data(), StandardCharsets.UTF_8));
        assertEquals(q, after.msgget(0x1001, 0), "the key finds the same virtual id");
        assertEquals(List.of(3, 0, 10).toString(), List.of(after.semctl(s, 0, GETVAL, 0), after.semctl(s, 1, GETVAL, 0),
                after.semctl(s, 2, GETVAL, 0)).toString());
        assertEquals(3, after.semctl(s, 0, GETPID, 0));
        assertEquals(segmentBefore, after.shmctl(m, IPC_STAT, null), "removed, still attached, same times and pids");

        SharedMemory again = after.shmat(m, 0);
        assertEquals(0xCAFEL, again.getLong(128));
        assertEquals(1, after.shmctl(m, IPC_STAT, null).nattch(), "the restored process took its attach back");
        again.detach();
        assertThrows(KernelException.class, () -> after.shmctl(m, IPC_STAT, null), "destroyed at the last detach");

        assertEquals(listed.size(), restored.size());
        for (int i = 0; i < listed.size(); i++) {
            assertEquals(listed.get(i).id(), restored.get(i).id());
            assertNotEquals(listed.get(i).realId(), restored.get(i).realId());
            assertTrue(restored.get(i).realId() >= 900_000, "a real id of node2");
        }
        int next = after.msgget(IPC_PRIVATE, 0600);
        assertTrue(next != q && next % 32768 == 0, "new ids continue the namespace: " + next);
    }

    @Test
    void undoAdjustmentsTravelWithTheImageAndApplyWhenTheProcessEnds() throws IOException {
        SysVIpc before = on(source, node1, 9).ipc;
        int s = before.semget(IPC_PRIVATE, 1, 0600);
        before.semctl(s, 0, dev.haven.api.ipc.Ipc.SETVAL, 1);
        before.semop(s, new SemOp(0, -1, SEM_UNDO));
        restore("p1", checkpoint("p1"));
        SysVIpc after = on(target, node2, 1).ipc;
        assertEquals(0, after.semctl(s, 0, GETVAL, 0));
        target.processEnded("p1", SysVIpcTest.ended(9));
        assertEquals(1, after.semctl(s, 0, GETVAL, 0));
    }

    @Test
    void aFullQueueWithAWriterWaitingIsCapturedAsItIsAndRefillsAfterRestore() throws Exception {
        TestProcess writer = new TestProcess(source, "p1", 4, ALICE, node1, Map.of("msgmnb", 16L));
        int q = writer.ipc.msgget(0x2001, IPC_CREAT | 0600);
        writer.ipc.msgsnd(q, 1, new byte[8], 0);
        writer.ipc.msgsnd(q, 2, new byte[8], 0);
        java.util.concurrent.CompletableFuture<Void> waiting = java.util.concurrent.CompletableFuture.runAsync(
                () -> writer.ipc.msgsnd(q, 3, new byte[8], 0));
        MsgQueue queue = source.namespace(writer).queue(q, "test");
        SysVIpcTest.await("the writer waits", () -> {
            queue.lock.lock();
            try {
                return queue.lock.hasWaiters(queue.changed);
            } finally {
                queue.lock.unlock();
            }
        });
        byte[] section = checkpoint("p1");
        source.remove("p1", "msg", q);
        restore("p1", section);
        SysVIpc after = new TestProcess(target, "p1", 4, ALICE, node2, Map.of("msgmnb", 16L)).ipc;
        MsqidDs stat = after.msgctl(q, IPC_STAT, null);
        assertEquals(2, stat.qnum(), "the waiting writer's message was never in the queue");
        assertEquals(16, stat.cbytes());
        assertEquals(16, stat.qbytes());
        assertEquals(Errno.EAGAIN, assertThrows(KernelException.class, () -> after.msgsnd(q, 3, new byte[8], IPC_NOWAIT)).errno(),
                "still full after the restore");
        assertEquals(1, after.msgrcv(q, 8, 0, 0).type());
        after.msgsnd(q, 3, new byte[8], IPC_NOWAIT);
        assertThrows(Exception.class, () -> waiting.get(10, java.util.concurrent.TimeUnit.SECONDS),
                "the source's waiter ends with its queue (EIDRM)");
    }

    @Test
    void aPartitionWithoutIpcObjectsHasAnEmptySection() throws IOException {
        restore("p1", checkpoint("p1"));
        assertEquals(List.of(), target.list(Optional.of("p1")));
    }

    @Test
    void aDamagedSectionIsRefusedAndLeavesNoRealIdsBehind() throws IOException {
        SysVIpc before = on(source, node1, 1).ipc;
        before.msgget(IPC_PRIVATE, 0600);
        before.semget(IPC_PRIVATE, 2, 0600);
        byte[] section = checkpoint("p1");
        byte[] damaged = java.util.Arrays.copyOf(section, section.length - 3);
        assertThrows(IOException.class, () -> restore("p1", damaged));
        assertEquals(0, node2.allocated.size());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> on(target, node2, 1).ipc.msgctl(0, IPC_STAT, null)).errno());
    }
}
