package dev.haven.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.haven.api.kernel.Credentials;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.PartitionState;

/** A driver replacing the one in use takes over the running partitions through a checkpoint and a restart. */
class DriverHandoverTest {
    @TempDir
    Path home;
    private PartitionManagerImpl manager;
    private final TestFirmware outgoing = new TestFirmware("node1", "node2");
    private final TestFirmware incoming = new TestFirmware("node0", "node2");
    private final MemoryImageStore images = new MemoryImageStore();

    @BeforeEach
    void setUp() {
        manager = new PartitionManagerImpl(home, new TestConfig(200));
        manager.bindDriver(outgoing);
        manager.setImageStore(images);
        manager.addWorkload(new PartitionManagerTest.Counter());
    }

    @AfterEach
    void tearDown() {
        manager.deactivate();
    }

    private long count(String partition) {
        return Long.parseLong(manager.processes(partition).get(0).state().getOrDefault("n", "0"));
    }

    @Test
    void runningPartitionsMoveToTheIncomingDriverOnTheNodeOfTheSameNameAndStoppedOnesStay() throws Exception {
        manager.create("p1", "node2", PartitionSpec.DEFAULT);
        manager.start("p1");
        manager.spawn("p1", "counter", List.of(), new Credentials(5, 6));
        Await.until("the counter runs", () -> count("p1") > 3);
        manager.create("p2", "node1", PartitionSpec.DEFAULT);
        long before = count("p1");

        manager.bindDriver(incoming);

        assertEquals(PartitionState.ACTIVE, manager.get("p1").orElseThrow().state());
        assertEquals("node2", manager.get("p1").orElseThrow().node());
        assertTrue(outgoing.leases.stream().noneMatch(TestFirmware.TestLease::valid), "the outgoing lease was given back");
        assertEquals(1, incoming.leases.stream().filter(lease -> lease.valid() && lease.partition().equals("p1")).count());
        Await.until("the counter runs on", () -> count("p1") > before);
        assertEquals(PartitionState.DEFINED, manager.get("p2").orElseThrow().state(), "a partition not running is not moved");
        assertTrue(images.list(java.util.Optional.of("p1")).stream()
                .anyMatch(image -> "handover".equals(image.header().attributes().get("kind"))
                        && "test/node2".equals(image.header().attributes().get("from"))));
        assertFalse(incoming.leases.stream().anyMatch(lease -> lease.partition().equals("p2")));
    }
}
