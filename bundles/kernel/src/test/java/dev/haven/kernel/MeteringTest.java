package dev.haven.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.haven.api.accounting.ProcessMeter;
import dev.haven.api.accounting.Resource;
import dev.haven.api.accounting.UsageSink;
import dev.haven.api.checkpoint.CheckpointOptions;
import dev.haven.api.checkpoint.CheckpointResult;
import dev.haven.api.checkpoint.ProgressListener;
import dev.haven.api.checkpoint.RestartOptions;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.SystemCalls;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.ProcessStatus;
import dev.haven.api.workload.ProcessContext;
import dev.haven.api.workload.Workload;

/** What the kernel reports to an installed {@link UsageSink}: process starts and ends, kernel calls, checkpoints. */
class MeteringTest {
    @TempDir
    Path home;
    private TestFirmware firmware;
    private PartitionManagerImpl manager;
    private final RecordingSink sink = new RecordingSink();

    /** Three getpid, two sched_yield, 4096 bytes of reported usage, then exits 3. */
    static final class Known implements Workload {
        public String name() {
            return "known";
        }

        public int run(ProcessContext context) {
            for (int i = 0; i < 3; i++) {
                context.kernel().getpid();
            }
            context.kernel().yield();
            context.kernel().yield();
            ((SystemCalls) context.kernel()).usage(Resource.IPC_BYTES_OUT, 4096);
            return 3;
        }
    }

    static final class Meter implements ProcessMeter {
        final String partition;
        final int pid;
        final String thread = Thread.currentThread().getName();
        final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
        final Map<Resource, Long> used = new ConcurrentHashMap<>();
        volatile ProcessStatus end;
        volatile long cpu = -1;
        volatile String endThread;

        Meter(String partition, int pid) {
            this.partition = partition;
            this.pid = pid;
        }

        public void kernelCall(String name) {
            calls.computeIfAbsent(name, key -> new AtomicLong()).incrementAndGet();
        }

        public void add(Resource resource, long amount) {
            used.merge(resource, amount, Long::sum);
        }

        public void ended(ProcessStatus status, long cpuNanos) {
            cpu = cpuNanos;
            endThread = Thread.currentThread().getName();
            end = status;
        }

        long calls(String name) {
            return calls.getOrDefault(name, new AtomicLong()).get();
        }
    }

    static final class RecordingSink implements UsageSink {
        final List<Meter> meters = new CopyOnWriteArrayList<>();
        final List<String> events = new CopyOnWriteArrayList<>();

        public ProcessMeter processStarted(String partition, String node, int pid, String workload, Instant started) {
            Meter meter = new Meter(partition, pid);
            meters.add(meter);
            events.add("start " + partition + " " + node + " " + pid + " " + workload);
            return meter;
        }

        public void checkpointed(String partition, Duration freeze, long imageBytes) {
            events.add("checkpoint " + partition + " " + (freeze.isNegative() ? "?" : "freeze") + " " + (imageBytes > 0 ? "bytes" : "none"));
        }

        public void restarted(String partition) {
            events.add("restart " + partition);
        }

        public void failedOver(String partition) {
            events.add("failover " + partition);
        }

        Meter last() {
            return meters.get(meters.size() - 1);
        }
    }

    @BeforeEach
    void setUp() {
        firmware = new TestFirmware("node1", "node2");
        manager = new PartitionManagerImpl(home, new TestConfig(500));
        manager.setDriver(firmware);
        manager.setImageStore(new MemoryImageStore());
        manager.setUsageSink(sink);
        manager.addWorkload(new Known());
        manager.addWorkload(new PartitionManagerTest.Counter());
        manager.addWorkload(new PartitionManagerTest.Failing());
        manager.create("p1", "node1", PartitionSpec.DEFAULT);
        manager.start("p1");
    }

    @AfterEach
    void tearDown() {
        manager.deactivate();
    }

    private Meter run(String workload, String... args) {
        int vpid = manager.spawn("p1", workload, List.of(args), new Credentials(0, 0));
        Await.until("the meter of process " + vpid, () -> sink.meters.stream().anyMatch(meter -> meter.pid == vpid));
        return sink.meters.stream().filter(meter -> meter.pid == vpid).findFirst().orElseThrow();
    }

    @Test
    void theProcessThreadReportsItsCallsByNameItsUsageAndItsEnd() {
        Meter meter = run("known");
        manager.waitFor("p1", meter.pid, Duration.ofSeconds(5));
        assertEquals(ProcessStatus.EXITED, meter.end, "reported before waitFor returns");
        assertEquals(3, meter.calls("getpid"));
        assertEquals(2, meter.calls("sched_yield"));
        assertEquals(Map.of(Resource.IPC_BYTES_OUT, 4096L), meter.used);
        assertTrue(meter.cpu > 0, "the thread's own CPU time: " + meter.cpu);
        assertTrue(meter.thread.startsWith("haven:p1:" + meter.pid + ":known"), meter.thread);
        assertEquals(meter.thread, meter.endThread);
        assertEquals("start p1 node1 1 known", sink.events.get(0));
    }

    @Test
    void everyEndingCauseIsReported() {
        Meter crashed = run("failing", "boom");
        manager.waitFor("p1", crashed.pid, Duration.ofSeconds(5));
        assertEquals(ProcessStatus.CRASHED, crashed.end);

        Meter killed = run("counter");
        manager.kill("p1", killed.pid);
        assertEquals(ProcessStatus.KILLED, killed.end);

        Meter checkpointed = run("counter");
        Await.until("the counter runs", () -> checkpointed.calls("nanosleep") > 2);
        CheckpointResult checkpoint = manager.checkpoint("p1", new CheckpointOptions(Optional.empty(), true, Map.of(),
                ProgressListener.NONE));
        assertEquals(ProcessStatus.CHECKPOINTED, checkpointed.end);
        assertTrue(sink.events.contains("checkpoint p1 freeze bytes"), sink.events.toString());
        assertTrue(checkpoint.image().size() > 0);

        int before = sink.meters.size();
        manager.restart("p1", new RestartOptions(Optional.of("node2"), Optional.empty(), ProgressListener.NONE));
        assertTrue(sink.events.contains("restart p1"), sink.events.toString());
        Await.until("the resumed process's meter", () -> sink.meters.size() > before);
        Meter resumed = sink.last();
        assertEquals(checkpointed.pid, resumed.pid, "the same virtual pid resumes with a meter of its own");
        Await.until("the resumed counter runs", () -> resumed.calls("nanosleep") > 2);
        firmware.crash("node2");
        manager.firmwareEvent(new dev.haven.api.firmware.FirmwareEvent(dev.haven.api.firmware.FirmwareEvent.Kind.NODE_DOWN,
                "test", "node2", Optional.empty(), "test crash", Instant.now()));
        Await.until("the lost process ends", () -> resumed.end != null);
        assertEquals(ProcessStatus.LOST, resumed.end);
    }
}
