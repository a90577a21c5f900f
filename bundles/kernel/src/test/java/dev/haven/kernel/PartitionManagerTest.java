package dev.haven.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.partition.PartitionEvent;
import dev.haven.api.partition.PartitionException;
import dev.haven.api.partition.PartitionException.Reason;
import dev.haven.api.partition.PartitionInfo;
import dev.haven.api.partition.PartitionListener;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.PartitionState;
import dev.haven.api.partition.ProcessInfo;
import dev.haven.api.partition.ProcessStatus;
import dev.haven.api.workload.ProcessContext;
import dev.haven.api.workload.Workload;

class PartitionManagerTest {
    @TempDir
    Path home;
    private TestFirmware firmware;
    private PartitionManagerImpl manager;
    private final List<PartitionEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Counts in its saved state until killed. */
    static final class Counter implements Workload {
        public String name() {
            return "counter";
        }

        public int run(ProcessContext context) {
            long n = context.state().getLong("n", 0);
            while (true) {
                context.kernel().sleep(Duration.ofMillis(1));
                context.state().putLong("n", ++n);
            }
        }
    }

    /** Fails with the message given as its argument. */
    static final class Failing implements Workload {
        public String name() {
            return "failing";
        }

        public int run(ProcessContext context) {
            throw new IllegalStateException(context.args().get(0));
        }
    }

    /** Exits with the status given as its argument. */
    static final class Exiting implements Workload {
        public String name() {
            return "exiting";
        }

        public int run(ProcessContext context) {
            return Integer.parseInt(context.args().get(0));
        }
    }

    /** Stores as many bytes as its argument says. */
    static final class Hoarder implements Workload {
        public String name() {
            return "hoarder";
        }

        public int run(ProcessContext context) {
            context.state().putBytes("blob", new byte[Integer.parseInt(context.args().get(0))]);
            return 0;
        }
    }

    @BeforeEach
    void manager() {
        firmware = new TestFirmware("node1", "node2");
        manager = newManager();
    }

    private PartitionManagerImpl newManager() {
        PartitionManagerImpl created = new PartitionManagerImpl(home, new TestConfig(2000));
        created.setDriver(firmware);
        for (Workload workload : List.of(new Counter(), new Failing(), new Exiting(), new Hoarder())) {
            created.addWorkload(workload);
        }
        created.addListener(new PartitionListener() {
            public void partitionChanged(PartitionEvent event) {
                events.add(event);
            }
        });
        return created;
    }

    @AfterEach
    void stop() {
        manager.deactivate();
    }

    private ProcessInfo process(String partition, int vpid) {
        return manager.processes(partition).stream().filter(p -> p.vpid() == vpid).findFirst().orElseThrow();
    }

    private long count(String partition, int vpid) {
        return Long.parseLong(process(partition, vpid).state().getOrDefault("n", "0"));
    }

    @Test
    void partitionGoesThroughItsLifecycle() {
        assertEquals(PartitionState.DEFINED, manager.create("p1", "node2", PartitionSpec.DEFAULT).state());
        assertEquals(PartitionState.ACTIVE, manager.start("p1").state());
        int vpid = manager.spawn("p1", "counter", List.of(), new Credentials(100, 10));
        assertEquals(1, vpid);
        Await.until("the counter advances", () -> count("p1", vpid) > 3);
        ProcessInfo info = process("p1", vpid);
        assertEquals(ProcessStatus.RUNNING, info.status());
        assertEquals(new Credentials(100, 10), info.credentials());
        assertEquals(1, manager.get("p1").orElseThrow().processes());
        assertEquals(PartitionState.STOPPED, manager.stop("p1").state());
        assertEquals(ProcessStatus.KILLED, process("p1", vpid).status());
        manager.destroy("p1");
        assertEquals(Optional.empty(), manager.get("p1"));
        assertEquals(List.of(PartitionState.DEFINED, PartitionState.ACTIVE, PartitionState.STOPPED),
                events.stream().flatMap(e -> e.to().stream()).toList());
    }

    @Test
    void badRequestsAreRefusedWithTheirReasonAndChangeNothing() throws Exception {
        manager.create("p1", "node1", PartitionSpec.DEFAULT);
        assertEquals(Reason.INVALID_NAME, assertThrows(PartitionException.class,
                () -> manager.create("P1", "node1", PartitionSpec.DEFAULT)).reason());
        assertEquals(Reason.INVALID_NAME, assertThrows(PartitionException.class,
                () -> manager.create("a".repeat(32), "node1", PartitionSpec.DEFAULT)).reason());
        assertEquals(Reason.DUPLICATE, assertThrows(PartitionException.class,
                () -> manager.create("p1", "node2", PartitionSpec.DEFAULT)).reason());
        assertEquals(Reason.UNKNOWN_NODE, assertThrows(PartitionException.class,
                () -> manager.create("p2", "node9", PartitionSpec.DEFAULT)).reason());
        assertEquals(Reason.UNKNOWN_PARTITION, assertThrows(PartitionException.class, () -> manager.start("p9")).reason());
        assertEquals(Reason.WRONG_STATE, assertThrows(PartitionException.class, () -> manager.stop("p1")).reason());
        assertEquals(Reason.WRONG_STATE, assertThrows(PartitionException.class,
                () -> manager.spawn("p1", "counter", List.of(), Credentials.ROOT)).reason());
        manager.start("p1");
        assertEquals(Reason.UNKNOWN_WORKLOAD, assertThrows(PartitionException.class,
                () -> manager.spawn("p1", "nope", List.of(), Credentials.ROOT)).reason());
        assertEquals(Reason.WRONG_STATE, assertThrows(PartitionException.class, () -> manager.start("p1")).reason());
        assertEquals(Reason.WRONG_STATE, assertThrows(PartitionException.class, () -> manager.destroy("p1")).reason());
        assertEquals(Reason.UNKNOWN_PROCESS, assertThrows(PartitionException.class, () -> manager.kill("p1", 42)).reason());
        assertEquals(List.of("p1"), manager.list().stream().map(PartitionInfo::name).toList());
        try (var files = Files.list(home.resolve("partitions"))) {
            assertEquals(List.of("p1.partition"), files.map(f -> f.getFileName().toString()).toList());
        }
        assertEquals(PartitionState.ACTIVE, manager.get("p1").orElseThrow().state());
    }

    @Test
    void definitionsSurviveARuntimeRestartAsStopped() {
        manager.create("p1", "node1", PartitionSpec.DEFAULT.withLimit("processes.max", 8));
        manager.create("p2", "node2", PartitionSpec.DEFAULT.withCheckpointable(false));
        manager.start("p1");
        manager.deactivate();
        manager = newManager();
        PartitionInfo p1 = manager.get("p1").orElseThrow();
        assertEquals(PartitionState.STOPPED, p1.state());
        assertEquals(8L, p1.spec().limits().get("processes.max"));
        PartitionInfo p2 = manager.get("p2").orElseThrow();
        assertEquals(PartitionState.DEFINED, p2.state());
        assertEquals(false, p2.spec().checkpointable());
        assertEquals("node2", p2.node());
        assertEquals(PartitionState.ACTIVE, manager.start("p1").state());
    }

    @Test
    void workloadThatThrowsEndsCrashedWithItsErrorKept() {
        manager.create("p1", "node1", PartitionSpec.DEFAULT);
        manager.start("p1");
        int crashing = manager.spawn("p1", "failing", List.of("disk on fire"), Credentials.ROOT);
        int exiting = manager.spawn("p1", "exiting", List.of("300"), Credentials.ROOT);
        Await.until("both end", () -> process("p1", crashing).status().ended() && process("p1", exiting).status().ended());
        ProcessInfo crashed = process("p1", crashing);
        assertEquals(ProcessStatus.CRASHED, crashed.status());
        assertEquals(Optional.of("IllegalStateException: disk on fire"), crashed.error());
        assertEquals(Optional.of(300 & 0xff), process("p1", exiting).exitStatus());
    }

    @Test
    void waitForReturnsTheEndedProcessOrTimesOut() {
        manager.create("p1", "node1", PartitionSpec.DEFAULT);
        manager.start("p1");
        int exiting = manager.spawn("p1", "exiting", List.of("7"), Credentials.ROOT);
        assertEquals(Optional.of(7), manager.waitFor("p1", exiting, Duration.ofSeconds(10)).exitStatus());
        int counting = manager.spawn("p1", "counter", List.of(), Credentials.ROOT);
        assertEquals(Reason.TIMEOUT, assertThrows(PartitionException.class,
                () -> manager.waitFor("p1", counting, Duration.ofMillis(20))).reason());
        assertEquals(ProcessStatus.RUNNING, process("p1", counting).status());
        assertEquals(Reason.UNKNOWN_PROCESS, assertThrows(PartitionException.class,
                () -> manager.waitFor("p1", 99, Duration.ZERO)).reason());
    }

    @Test
    void aStoppedPartitionCanBeMarkedBrokenWithItsReasonButARunningOneCannot() {
        manager.create("p1", "node1", PartitionSpec.DEFAULT);
        manager.start("p1");
        assertEquals(Reason.WRONG_STATE, assertThrows(PartitionException.class, () -> manager.markBroken("p1", "gave up")).reason());
        manager.stop("p1");
        PartitionInfo broken = manager.markBroken("p1", "HA gave up");
        assertEquals(PartitionState.BROKEN, broken.state());
        assertEquals(Optional.of("HA gave up"), broken.reason());
        assertEquals(PartitionState.ACTIVE, manager.start("p1").state());
    }

    @Test
    void killEndsOnlyThatProcess() {
        manager.create("p1", "node1", PartitionSpec.DEFAULT);
        manager.start("p1");
        int first = manager.spawn("p1", "counter", List.of(), Credentials.ROOT);
        int second = manager.spawn("p1", "counter", List.of(), Credentials.ROOT);
        assertEquals(ProcessStatus.KILLED, manager.kill("p1", first).status());
        assertEquals(ProcessStatus.RUNNING, process("p1", second).status());
        assertEquals(Reason.WRONG_STATE, assertThrows(PartitionException.class, () -> manager.kill("p1", first)).reason());
    }

    @Test
    void nodeFailureMarksItsPartitionsBrokenAndTheirProcessesLost() {
        manager.create("p1", "node2", PartitionSpec.DEFAULT);
        manager.create("p2", "node1", PartitionSpec.DEFAULT);
        manager.start("p1");
        manager.start("p2");
        int vpid = manager.spawn("p1", "counter", List.of(), Credentials.ROOT);
        Await.until("the counter runs", () -> count("p1", vpid) > 0);
        firmware.crash("node2");
        PartitionInfo broken = manager.get("p1").orElseThrow();
        assertEquals(PartitionState.BROKEN, broken.state());
        assertEquals(Optional.of("node node2 crashed"), broken.reason());
        Await.until("the process is lost", () -> process("p1", vpid).status() == ProcessStatus.LOST);
        assertEquals(PartitionState.ACTIVE, manager.get("p2").orElseThrow().state());
        assertEquals(Reason.NODE_DOWN, assertThrows(PartitionException.class, () -> manager.start("p1")).reason());
    }

    @Test
    void processLimitOfTheSpecIsEnforced() {
        manager.create("p1", "node1", PartitionSpec.DEFAULT.withLimit("processes.max", 2));
        manager.start("p1");
        manager.spawn("p1", "counter", List.of(), Credentials.ROOT);
        manager.spawn("p1", "counter", List.of(), Credentials.ROOT);
        assertEquals(Reason.LIMIT, assertThrows(PartitionException.class,
                () -> manager.spawn("p1", "counter", List.of(), Credentials.ROOT)).reason());
    }

    @Test
    void savedStateBeyondItsLimitFailsWithEnospc() {
        manager.create("p1", "node1", PartitionSpec.DEFAULT.withLimit("state.max", 100));
        manager.start("p1");
        int vpid = manager.spawn("p1", "hoarder", List.of("200"), Credentials.ROOT);
        Await.until("it ends", () -> process("p1", vpid).status().ended());
        ProcessInfo info = process("p1", vpid);
        assertEquals(ProcessStatus.CRASHED, info.status());
        assertTrue(info.error().orElseThrow().contains(Errno.ENOSPC.name()), info.error().toString());
        assertEquals(KernelException.class.getSimpleName(), info.error().orElseThrow().split(":")[0]);
    }
}
