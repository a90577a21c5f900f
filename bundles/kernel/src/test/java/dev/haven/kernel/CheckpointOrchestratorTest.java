package dev.haven.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.haven.api.checkpoint.CheckpointContext;
import dev.haven.api.checkpoint.CheckpointException;
import dev.haven.api.checkpoint.CheckpointException.Reason;
import dev.haven.api.checkpoint.CheckpointOptions;
import dev.haven.api.checkpoint.CheckpointParticipant;
import dev.haven.api.checkpoint.CheckpointResult;
import dev.haven.api.checkpoint.MigrationResult;
import dev.haven.api.checkpoint.ProgressListener;
import dev.haven.api.checkpoint.RestartOptions;
import dev.haven.api.checkpoint.RestartResult;
import dev.haven.api.checkpoint.RestoreContext;
import dev.haven.api.checkpoint.SectionInput;
import dev.haven.api.checkpoint.SectionOutput;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.PartitionState;
import dev.haven.api.partition.ProcessInfo;
import dev.haven.api.partition.ProcessStatus;

class CheckpointOrchestratorTest {
    @TempDir
    Path home;
    private TestFirmware firmware;
    private MemoryImageStore images;
    private PartitionManagerImpl manager;
    private final List<String> calls = new CopyOnWriteArrayList<>();

    /** A participant that records its calls and round-trips one string. */
    private final class Recording implements CheckpointParticipant {
        private final String section;
        private final Set<String> after;
        String restoredValue;
        boolean failRestore;
        Optional<String> veto = Optional.empty();

        Recording(String section, String... after) {
            this.section = section;
            this.after = Set.of(after);
        }

        public String section() {
            return section;
        }

        public int version() {
            return 1;
        }

        public Set<String> restoreAfter() {
            return after;
        }

        public Optional<String> veto(CheckpointContext context) {
            return veto;
        }

        public void checkpoint(CheckpointContext context, SectionOutput out) throws IOException {
            calls.add("checkpoint " + section);
            out.writeString(section + " of " + context.partition());
        }

        public void restore(RestoreContext context, int version, SectionInput in) throws IOException {
            calls.add("restore " + section);
            restoredValue = in.readString(100);
            if (failRestore) {
                throw new IOException("cannot rebuild " + section);
            }
        }

        public void discard(RestoreContext context) {
            calls.add("discard " + section);
        }
    }

    @BeforeEach
    void setUp() {
        firmware = new TestFirmware("node1", "node2", "node3");
        images = new MemoryImageStore();
        manager = new PartitionManagerImpl(home, new TestConfig(200));
        manager.setDriver(firmware);
        manager.setImageStore(images);
        manager.addWorkload(new PartitionManagerTest.Counter());
    }

    @AfterEach
    void tearDown() {
        manager.deactivate();
    }

    private int runningCounter(String partition, String node) {
        manager.create(partition, node, PartitionSpec.DEFAULT);
        manager.start(partition);
        int vpid = manager.spawn(partition, "counter", List.of(), new Credentials(5, 6));
        Await.until("the counter runs", () -> count(partition, vpid) > 3);
        return vpid;
    }

    private ProcessInfo process(String partition, int vpid) {
        return manager.processes(partition).stream().filter(p -> p.vpid() == vpid).findFirst().orElseThrow();
    }

    private long count(String partition, int vpid) {
        return Long.parseLong(process(partition, vpid).state().getOrDefault("n", "0"));
    }

    private static CheckpointOptions stop() {
        return new CheckpointOptions(Optional.empty(), true, Map.of(), ProgressListener.NONE);
    }

    @Test
    void restartOnAnotherNodeAfterANodeCrashContinuesFromTheCheckpointedState() {
        int vpid = runningCounter("p1", "node1");
        CheckpointResult checkpoint = manager.checkpoint("p1", CheckpointOptions.defaults());
        assertTrue(checkpoint.freezeTime().compareTo(checkpoint.totalTime()) <= 0);
        assertEquals(List.of("processes"), checkpoint.image().sections().stream().map(s -> s.name()).toList());
        long atCheckpoint = count("p1", vpid);
        firmware.crash("node1");
        assertEquals(PartitionState.BROKEN, manager.get("p1").orElseThrow().state());

        RestartResult restart = manager.restart(checkpoint.image().id(),
                new RestartOptions(Optional.of("node3"), Optional.empty(), ProgressListener.NONE));
        assertEquals("node3", restart.partition().node());
        assertEquals(PartitionState.ACTIVE, restart.partition().state());
        assertEquals(1, restart.processes());
        ProcessInfo resumed = process("p1", vpid);
        assertEquals(ProcessStatus.RUNNING, resumed.status());
        assertEquals(new Credentials(5, 6), resumed.credentials());
        Await.until("the counter continues past the checkpoint", () -> count("p1", vpid) > atCheckpoint);
        assertTrue(count("p1", vpid) > 0);
    }

    @Test
    void checkpointWithStopEndsProcessesAsCheckpointedAndRestartByPartitionNameResumesThem() {
        int vpid = runningCounter("p1", "node1");
        CheckpointResult checkpoint = manager.checkpoint("p1", stop());
        assertEquals(PartitionState.STOPPED, manager.get("p1").orElseThrow().state());
        assertEquals(ProcessStatus.CHECKPOINTED, process("p1", vpid).status());
        long saved = count("p1", vpid);
        manager.restart("p1", RestartOptions.defaults());
        assertEquals("node1", manager.get("p1").orElseThrow().node());
        Await.until("the counter continues", () -> count("p1", vpid) > saved);
        assertEquals(checkpoint.image().header().partition(), "p1");
    }

    @Test
    void restartUnderANewNameLeavesTheOriginalAlone() {
        int vpid = runningCounter("p1", "node1");
        CheckpointResult checkpoint = manager.checkpoint("p1", CheckpointOptions.defaults());
        manager.restart(checkpoint.image().id(), new RestartOptions(Optional.of("node2"), Optional.of("copy"), ProgressListener.NONE));
        assertEquals(PartitionState.ACTIVE, manager.get("p1").orElseThrow().state());
        assertEquals("node2", manager.get("copy").orElseThrow().node());
        Await.until("the copy counts", () -> count("copy", vpid) > 0);
    }

    @Test
    void restartOfARunningPartitionIsRefused() {
        runningCounter("p1", "node1");
        CheckpointResult checkpoint = manager.checkpoint("p1", CheckpointOptions.defaults());
        assertEquals(Reason.WRONG_STATE, assertThrows(CheckpointException.class,
                () -> manager.restart(checkpoint.image().id(), RestartOptions.defaults())).reason());
    }

    @Test
    void freezeTimeoutNamesTheProcessHoldingThePartitionAndThawsIt() {
        int vpid = runningCounter("p1", "node1");
        Partition partition = manager.require("p1");
        // a call that stays in flight, as a long copy into shared memory would; its own process object so
        // that the counter's calls, keyed by their process, cannot end it
        KernelProcess holder = new KernelProcess(partition, 99, 1099, "copier", List.of(), Credentials.ROOT,
                java.time.Instant.now(), new ProcessSavedState(1024), false);
        partition.gate().enter(holder, "shmcopy");
        try {
            CheckpointException failure = assertThrows(CheckpointException.class,
                    () -> manager.checkpoint("p1", CheckpointOptions.defaults()));
            assertEquals(Reason.FREEZE_TIMEOUT, failure.reason());
            assertTrue(failure.getMessage().contains("process 99 (copier) in shmcopy"), failure.getMessage());
        } finally {
            partition.gate().leave(holder);
        }
        assertEquals(PartitionState.ACTIVE, manager.get("p1").orElseThrow().state());
        assertEquals(List.of(), images.list(Optional.empty()));
        long after = count("p1", vpid);
        Await.until("the partition runs on", () -> count("p1", vpid) > after);
    }

    @Test
    void aVetoIsReportedAndThePartitionThawedWithoutAnImage() {
        Recording ipc = new Recording("ipc");
        ipc.veto = Optional.of("a message queue is attached to a device");
        manager.addParticipant(ipc);
        runningCounter("p1", "node1");
        CheckpointException failure = assertThrows(CheckpointException.class,
                () -> manager.checkpoint("p1", CheckpointOptions.defaults()));
        assertEquals(Reason.VETOED, failure.reason());
        assertTrue(failure.getMessage().contains("denied by ipc: a message queue is attached to a device"));
        assertEquals(PartitionState.ACTIVE, manager.get("p1").orElseThrow().state());
        assertEquals(List.of(), images.list(Optional.empty()));
    }

    @Test
    void participantsRunInDependencyOrderWhateverTheirRegistrationOrder() {
        Recording pty = new Recording("pty", "streams");
        Recording streams = new Recording("streams");
        Recording accounting = new Recording("accounting", "pty");
        manager.addParticipant(accounting);
        manager.addParticipant(pty);
        manager.addParticipant(streams);
        runningCounter("p1", "node1");
        CheckpointResult checkpoint = manager.checkpoint("p1", stop());
        manager.restart(checkpoint.image().id(), RestartOptions.defaults());
        assertEquals(List.of("checkpoint streams", "checkpoint pty", "checkpoint accounting", "restore streams",
                "restore pty", "restore accounting"), calls);
        assertEquals("pty of p1", pty.restoredValue);
    }

    @Test
    void anImageWithASectionNoParticipantReadsIsRefusedBeforeAnythingIsCreated() {
        runningCounter("p1", "node1");
        CheckpointResult checkpoint = manager.checkpoint("p1", CheckpointOptions.defaults());
        images.addForeignSection(checkpoint.image().id(), "streams");
        CheckpointException failure = assertThrows(CheckpointException.class, () -> manager.restart(
                checkpoint.image().id(), new RestartOptions(Optional.of("node2"), Optional.of("p2"), ProgressListener.NONE)));
        assertEquals(Reason.IMAGE_INVALID, failure.reason());
        assertTrue(failure.getMessage().contains("section 'streams'"), failure.getMessage());
        assertEquals(Optional.empty(), manager.get("p2"));
        assertEquals(0, firmware.leases.stream().filter(l -> l.partition().equals("p2")).count());
    }

    @Test
    void aFailedRestoreIsDiscardedAndLeavesNothingBehind() {
        Recording streams = new Recording("streams");
        Recording pty = new Recording("pty", "streams");
        manager.addParticipant(streams);
        manager.addParticipant(pty);
        runningCounter("p1", "node1");
        CheckpointResult checkpoint = manager.checkpoint("p1", CheckpointOptions.defaults());
        pty.failRestore = true;
        calls.clear();
        CheckpointException failure = assertThrows(CheckpointException.class, () -> manager.restart(
                checkpoint.image().id(), new RestartOptions(Optional.of("node2"), Optional.of("p2"), ProgressListener.NONE)));
        assertEquals(Reason.FAILED, failure.reason());
        assertTrue(failure.getMessage().contains("cannot rebuild pty"), failure.getMessage());
        assertEquals(List.of("restore streams", "restore pty", "discard streams", "discard pty"), calls);
        assertEquals(Optional.empty(), manager.get("p2"));
        assertFalse(firmware.leases.stream().anyMatch(l -> l.partition().equals("p2") && l.valid()));
    }

    @Test
    void migrationMovesAPartitionAndItKeepsCounting() {
        int vpid = runningCounter("p1", "node1");
        MigrationResult result = manager.migrate("p1", "node2", ProgressListener.NONE);
        assertEquals("node1", result.from());
        assertEquals("node2", manager.get("p1").orElseThrow().node());
        assertEquals(PartitionState.ACTIVE, manager.get("p1").orElseThrow().state());
        assertTrue(result.freezeTime().compareTo(Duration.ZERO) > 0);
        long moved = count("p1", vpid);
        Await.until("it counts on node2", () -> count("p1", vpid) > moved);
        assertEquals(1, firmware.leases.stream().filter(l -> l.partition().equals("p1") && l.valid()).count());
    }

    @Test
    void migrationToANodeThatIsDownLeavesThePartitionRunningWhereItWas() {
        int vpid = runningCounter("p1", "node1");
        firmware.crash("node3");
        CheckpointException failure = assertThrows(CheckpointException.class,
                () -> manager.migrate("p1", "node3", ProgressListener.NONE));
        assertTrue(failure.getMessage().contains("runs on node1 again"), failure.getMessage());
        assertEquals("node1", manager.get("p1").orElseThrow().node());
        assertEquals(PartitionState.ACTIVE, manager.get("p1").orElseThrow().state());
        long after = count("p1", vpid);
        Await.until("it still counts on node1", () -> count("p1", vpid) > after);
    }

    @Test
    void aPartitionCreatedWithoutCheckpointSupportCannotBeCheckpointed() {
        manager.create("p1", "node1", PartitionSpec.DEFAULT.withCheckpointable(false));
        manager.start("p1");
        assertEquals(Reason.NOT_CHECKPOINTABLE, assertThrows(CheckpointException.class,
                () -> manager.checkpoint("p1", CheckpointOptions.defaults())).reason());
    }
}
