package dev.haven.bench;

import static dev.haven.api.ipc.Ipc.IPC_CREAT;
import static dev.haven.api.ipc.Ipc.IPC_PRIVATE;
import static dev.haven.api.ipc.Ipc.IPC_RMID;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.haven.api.ipc.Message;
import dev.haven.api.ipc.SysVIpc;
import dev.haven.api.kernel.KernelException;
import dev.haven.ipc.IpcVirtualizer;
import dev.haven.kernel.BenchPartition;

/**
 * A request/reply round trip between two processes of one partition over a System V message queue:
 * the client sends type 1 and waits for type 2, a server process (its own thread) answers each request.
 * Both block in msgrcv, so every round trip is two wake-ups, as between two Linux processes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoundTripBenchmark {
    private static final int BYTES = 64;

    private SysVIpc client;
    private int msqid;
    private Thread server;
    private final byte[] request = new byte[BYTES];

    @Setup(Level.Trial)
    public void setUp() {
        BenchPartition partition = new BenchPartition("bench", new IpcVirtualizer());
        client = partition.process().extension(SysVIpc.class);
        msqid = client.msgget(IPC_PRIVATE, IPC_CREAT | 0600);
        var serverKernel = partition.process();
        server = new Thread(() -> {
            SysVIpc ipc = serverKernel.extension(SysVIpc.class);
            try {
                while (true) {
                    Message asked = ipc.msgrcv(msqid, BYTES, 1, 0);
                    ipc.msgsnd(msqid, 2, asked.data(), 0);
                }
            } catch (KernelException removed) {
                // EIDRM at tear-down ends the server
            }
        }, "bench-server");
        server.setDaemon(true);
        server.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        client.msgctl(msqid, IPC_RMID, null);
        server.join(10_000);
    }

    @Benchmark
    public Message requestReply() {
        client.msgsnd(msqid, 1, request, 0);
        return client.msgrcv(msqid, BYTES, 2, 0);
    }
}
