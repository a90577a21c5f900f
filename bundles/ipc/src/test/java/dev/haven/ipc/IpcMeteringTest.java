package dev.haven.ipc;

import static dev.haven.api.ipc.Ipc.IPC_CREAT;
import static dev.haven.api.ipc.Ipc.IPC_NOWAIT;
import static dev.haven.api.ipc.Ipc.IPC_PRIVATE;
import static dev.haven.api.ipc.Ipc.IPC_RMID;
import static dev.haven.api.ipc.Ipc.MSG_NOERROR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.haven.api.accounting.Resource;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.ipc.MqAttr;
import dev.haven.api.ipc.Posix;
import dev.haven.api.ipc.PosixIpc;
import dev.haven.api.ipc.SysVIpc;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.SystemCalls;

/** System V and POSIX message traffic and shared memory resident as accounting sees them. */
class IpcMeteringTest {
    private final IpcVirtualizer virtualizer = new IpcVirtualizer();
    private final TestProcess.Node node = new TestProcess.Node("node1", 5000);

    /** A caller that records what it is told it used. */
    private static final class Metered implements SystemCalls {
        final TestProcess process;
        final Map<Resource, Long> used = new EnumMap<>(Resource.class);

        Metered(TestProcess process) {
            this.process = process;
        }

        public String partition() {
            return process.partition();
        }

        public int pid() {
            return process.pid();
        }

        public Credentials credentials() {
            return process.credentials();
        }

        public NodeKernel node() {
            return process.node();
        }

        public long limit(String name, long defaultValue) {
            return process.limit(name, defaultValue);
        }

        public <T> T call(String name, Supplier<T> body) {
            return body.get();
        }

        public void park() {
        }

        public void unpark() {
        }

        @Override
        public void usage(Resource resource, long amount) {
            used.merge(resource, amount, Long::sum);
        }
    }

    private Metered caller(String partition, int pid) {
        return new Metered(new TestProcess(virtualizer, partition, pid, new Credentials(0, 0), node, Map.of()));
    }

    @Test
    void messagesAndTheirBytesAreMeteredBothWaysOnlyWhenTheyMove() {
        Metered sender = caller("p1", 1);
        Metered receiver = caller("p1", 2);
        SysVIpc out = virtualizer.bind(sender);
        SysVIpc in = virtualizer.bind(receiver);
        int queue = out.msgget(0x77, IPC_CREAT | 0600);
        out.msgsnd(queue, 1, new byte[100], 0);
        out.msgsnd(queue, 2, new byte[30], 0);
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> out.msgsnd(queue, 0, new byte[5], 0)).errno());
        assertEquals(100, in.msgrcv(queue, 100, 1, 0).data().length);
        assertEquals(10, in.msgrcv(queue, 10, 0, MSG_NOERROR).data().length, "truncated by MSG_NOERROR");
        assertEquals(Errno.ENOMSG, assertThrows(KernelException.class, () -> in.msgrcv(queue, 10, 0, IPC_NOWAIT)).errno());
        assertEquals(Map.of(Resource.IPC_MSGS_OUT, 2L, Resource.IPC_BYTES_OUT, 130L), sender.used);
        assertEquals(Map.of(Resource.IPC_MSGS_IN, 2L, Resource.IPC_BYTES_IN, 110L), receiver.used);
    }

    @Test
    void posixQueueMessagesAndTheirBytesAreMeteredBothWaysOnlyWhenTheyMove() {
        PosixVirtualizer posix = new PosixVirtualizer();
        Metered sender = caller("p1", 1);
        Metered receiver = caller("p1", 2);
        PosixIpc out = posix.bind(sender);
        PosixIpc in = posix.bind(receiver);
        int writer = out.mqOpen("/metered", Posix.O_CREAT | Posix.O_WRONLY, 0600, new MqAttr(0, 4, 64, 0));
        int reader = in.mqOpen("/metered", Posix.O_RDONLY | Posix.O_NONBLOCK, 0, null);
        out.mqSend(writer, new byte[40], 3);
        out.mqSend(writer, new byte[7], 1);
        assertEquals(Errno.EMSGSIZE, assertThrows(KernelException.class, () -> out.mqSend(writer, new byte[65], 0)).errno());
        assertEquals(40, in.mqReceive(reader, 64).data().length);
        assertEquals(7, in.mqReceive(reader, 64).data().length);
        assertEquals(Errno.EAGAIN, assertThrows(KernelException.class, () -> in.mqReceive(reader, 64)).errno());
        assertEquals(Map.of(Resource.IPC_MSGS_OUT, 2L, Resource.IPC_BYTES_OUT, 47L), sender.used);
        assertEquals(Map.of(Resource.IPC_MSGS_IN, 2L, Resource.IPC_BYTES_IN, 47L), receiver.used);
    }

    @Test
    void sharedMemoryResidentIsThePartitionsSegmentBytes() {
        SysVIpc p1 = virtualizer.bind(caller("p1", 1));
        SysVIpc p2 = virtualizer.bind(caller("p2", 1));
        ShmResidentGauge gauge = new ShmResidentGauge(virtualizer);
        assertEquals(Resource.SHM_RESIDENT, gauge.resource());
        int first = p1.shmget(IPC_PRIVATE, 65536, IPC_CREAT | 0600);
        p1.shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
        p2.shmget(IPC_PRIVATE, 1000, IPC_CREAT | 0600);
        assertEquals(65536 + 4096, gauge.sample("p1"));
        assertEquals(1000, gauge.sample("p2"));
        assertEquals(0, gauge.sample("p3"));
        p1.shmctl(first, IPC_RMID, null);
        assertEquals(4096, gauge.sample("p1"));
    }
}
