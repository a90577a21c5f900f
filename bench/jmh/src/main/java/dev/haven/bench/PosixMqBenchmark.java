package dev.haven.bench;

import static dev.haven.api.ipc.Posix.O_CREAT;
import static dev.haven.api.ipc.Posix.O_EXCL;
import static dev.haven.api.ipc.Posix.O_RDWR;

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

import dev.haven.api.ipc.MqAttr;
import dev.haven.api.ipc.MqMessage;
import dev.haven.api.ipc.PosixIpc;
import dev.haven.ipc.PosixVirtualizer;
import dev.haven.kernel.BenchPartition;

/** A POSIX message queue send and its receive through the kernel call path, as native_ipc.c does on Linux. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PosixMqBenchmark {
    private static final int BYTES = 64;

    private PosixIpc ipc;
    private int mqd;
    private final byte[] payload = new byte[BYTES];

    @Setup(Level.Trial)
    public void setUp() {
        ipc = new BenchPartition("bench", new PosixVirtualizer()).process().extension(PosixIpc.class);
        mqd = ipc.mqOpen("/bench", O_CREAT | O_EXCL | O_RDWR, 0600, new MqAttr(0, 10, BYTES, 0));
        ipc.mqUnlink("/bench");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ipc.mqClose(mqd);
    }

    @Benchmark
    public MqMessage mqSendReceive() {
        ipc.mqSend(mqd, payload, 1);
        return ipc.mqReceive(mqd, BYTES);
    }
}
