package dev.haven.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.haven.api.checkpoint.CheckpointContext;
import dev.haven.api.checkpoint.LiveReport;
import dev.haven.api.checkpoint.MigrationOptions;
import dev.haven.api.checkpoint.MigrationResult;
import dev.haven.api.checkpoint.PreCopy;
import dev.haven.api.checkpoint.PreCopyParticipant;
import dev.haven.api.checkpoint.PreCopyRound;
import dev.haven.api.checkpoint.ProgressListener;
import dev.haven.api.checkpoint.RestoreContext;
import dev.haven.api.checkpoint.SectionInput;
import dev.haven.api.checkpoint.SectionOutput;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.PartitionState;

/**
 * The orchestrator's side of live migration, with a participant whose dirty bytes per round are scripted:
 * rounds until the rest is small, the section written from the copy in the freeze and the copy closed only
 * after the target restored; a rest that stops shrinking and would not fit the freeze falls back to
 * stop-and-copy, saying why; a participant without pre-copy is written in the freeze as ever.
 */
class LiveMigrationTest {
    static final long MIB = 1 << 20;

    @TempDir
    Path home;
    private TestFirmware firmware;
    private MemoryImageStore images;
    private PartitionManagerImpl manager;
    private final List<String> calls = new CopyOnWriteArrayList<>();

    /** Copies {@code copied} bytes per round; dirty() answers from the script, then stays at its last value. */
    private final class Bulk implements PreCopyParticipant {
        final Deque<Long> dirty = new ArrayDeque<>();
        long copied = 64 * MIB;

        public String section() {
            return "bulk";
        }

        public int version() {
            return 1;
        }

        public void checkpoint(CheckpointContext context, SectionOutput out) throws IOException {
            calls.add("checkpoint");
            out.writeString("inline");
        }

        public void restore(RestoreContext context, int version, SectionInput in) throws IOException {
            calls.add("restore " + in.readString(20) + " on " + context.node());
        }

        public PreCopy preCopy(CheckpointContext context) {
            calls.add("start");
            return new PreCopy() {
                public long round() {
                    calls.add("round");
                    return copied;
                }

                public long dirty() {
                    return dirty.size() > 1 ? dirty.poll() : dirty.peek();
                }

                public long finish(CheckpointContext context, SectionOutput out) throws IOException {
                    calls.add("finish");
                    out.writeString("copied");
                    return 4096;
                }

                public void close() {
                    calls.add("close");
                }
            };
        }
    }

    private final Bulk bulk = new Bulk();

    @BeforeEach
    void setUp() {
        firmware = new TestFirmware("node1", "node2");
        images = new MemoryImageStore();
        manager = new PartitionManagerImpl(home, new TestConfig(200));
        manager.setDriver(firmware);
        manager.setImageStore(images);
        manager.addWorkload(new PartitionManagerTest.Counter());
        manager.addParticipant(bulk);
        manager.create("p1", "node1", PartitionSpec.DEFAULT);
        manager.start("p1");
        manager.spawn("p1", "counter", List.of(), new Credentials(5, 6));
    }

    @AfterEach
    void tearDown() {
        manager.deactivate();
    }

    @Test
    void roundsRunUntilTheRestIsSmallAndTheFreezeWritesFromTheCopy() {
        bulk.dirty.addAll(List.of(20 * MIB, 3 * MIB, 64 * 1024L));
        MigrationResult result = manager.migrate("p1", "node2", new MigrationOptions(true, ProgressListener.NONE));

        LiveReport report = result.live().orElseThrow();
        assertEquals(List.of(20 * MIB, 3 * MIB, 64 * 1024L), report.rounds().stream().map(PreCopyRound::dirtyAfter).toList());
        assertEquals(List.of(1, 2, 3), report.rounds().stream().map(PreCopyRound::number).toList());
        assertEquals(4096, report.freezeBytes());
        assertTrue(report.fallback().isEmpty());
        assertEquals("live-migration", result.image().header().attributes().get("kind"));
        assertEquals(List.of("start", "round", "round", "round", "finish", "restore copied on node2", "close"), calls,
                "the copy outlives the restore that takes from it");
        assertEquals("node2", manager.get("p1").orElseThrow().node());
        assertEquals(PartitionState.ACTIVE, manager.get("p1").orElseThrow().state());
    }

    @Test
    void aRestThatStopsShrinkingAndWouldNotFitTheFreezeFallsBackToStopAndCopy() {
        // one byte per round against 48 MiB dirty: at any measurable speed far more than the freeze budget
        bulk.copied = 1;
        bulk.dirty.addAll(List.of(48 * MIB, 47 * MIB));
        MigrationResult result = manager.migrate("p1", "node2", new MigrationOptions(true, ProgressListener.NONE));

        LiveReport report = result.live().orElseThrow();
        assertEquals(2, report.rounds().size(), "the second round did not shrink the rest enough");
        String why = report.fallback().orElseThrow();
        assertTrue(why.contains("faster than it can be copied") && why.contains("47.0 MiB") && why.contains("stop-and-copy"),
                why);
        assertEquals("migration", result.image().header().attributes().get("kind"));
        assertEquals(List.of("start", "round", "round", "close", "checkpoint", "restore inline on node2"), calls);
        assertEquals("node2", manager.get("p1").orElseThrow().node());
    }

    @Test
    void withoutLiveNothingIsPreCopiedAndTheResultHasNoReport() {
        MigrationResult result = manager.migrate("p1", "node2", new MigrationOptions(false, ProgressListener.NONE));
        assertTrue(result.live().isEmpty());
        assertEquals(List.of("checkpoint", "restore inline on node2"), calls);
        assertFalse(images.list(java.util.Optional.of("p1")).isEmpty(), "a stop-and-copy image stays in the store");
    }
}
