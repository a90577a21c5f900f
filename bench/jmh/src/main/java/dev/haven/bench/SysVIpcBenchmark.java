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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.haven.api.ipc.Message;
import dev.haven.api.ipc.SemOp;
import dev.haven.api.ipc.SharedMemory;
import dev.haven.api.ipc.SysVIpc;
import dev.haven.ipc.IpcVirtualizer;
import dev.haven.kernel.BenchPartition;

/**
 * System V IPC through the partition kernel's call path, one process, no contention: the operations
 * bench/ipc/native_ipc.c measures on the Linux kernel in the same run. Throughput in operations per
 * second, where an operation is what the C program counts as one (a send and its receive, a P and its V).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SysVIpcBenchmark {
    @Param({ "64" })
    int bytes;

    private SysVIpc ipc;
    private int msqid;
    private int semid;
    private SharedMemory memory;
    private byte[] payload;
    private final SemOp[] down = { new SemOp(0, -1, 0) };
    private final SemOp[] up = { new SemOp(0, 1, 0) };

    @Setup(Level.Trial)
    public void setUp() {
        ipc = new BenchPartition("bench", new IpcVirtualizer()).process().extension(SysVIpc.class);
        msqid = ipc.msgget(IPC_PRIVATE, IPC_CREAT | 0600);
        semid = ipc.semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
        memory = ipc.shmat(ipc.shmget(IPC_PRIVATE, 1 << 20, IPC_CREAT | 0600), 0);
        payload = new byte[bytes];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        memory.detach();
        ipc.msgctl(msqid, IPC_RMID, null);
        ipc.semctl(semid, 0, IPC_RMID, 0);
        ipc.shmctl(memory.shmid(), IPC_RMID, null);
    }

    @Benchmark
    public Message msgsndMsgrcv() {
        ipc.msgsnd(msqid, 1, payload, 0);
        return ipc.msgrcv(msqid, bytes, 0, 0);
    }

    @Benchmark
    public void semopPair() {
        ipc.semop(semid, up);
        ipc.semop(semid, down);
    }

    /** One write of {@code bytes} into the segment, as the C program's memcpy into its attached segment. */
    @Benchmark
    public void shmWrite() {
        memory.write(0, payload, 0, bytes);
    }
}
