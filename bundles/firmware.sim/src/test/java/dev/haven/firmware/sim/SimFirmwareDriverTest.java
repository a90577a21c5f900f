package dev.haven.firmware.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.haven.api.firmware.FirmwareEvent;
import dev.haven.api.firmware.FirmwareException;
import dev.haven.api.firmware.FirmwareException.Reason;
import dev.haven.api.firmware.IdSpace;
import dev.haven.api.firmware.Lease;
import dev.haven.api.firmware.NodeInfo;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.firmware.NodeState;

class SimFirmwareDriverTest {
    private final SimFirmwareDriver driver = new SimFirmwareDriver("node1", "node2", "node3");
    private final BlockingQueue<FirmwareEvent> events = new LinkedBlockingQueue<>();

    SimFirmwareDriverTest() {
        driver.addListener(events::add);
    }

    @AfterEach
    void close() {
        driver.deactivate();
    }

    private FirmwareEvent nextEvent() throws InterruptedException {
        FirmwareEvent event = events.poll(5, TimeUnit.SECONDS);
        if (event == null) {
            throw new AssertionError("no event delivered");
        }
        return event;
    }

    private NodeInfo node(String name) {
        return driver.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void nodesAllocateDifferentRealIdsForTheSameHistory() {
        for (IdSpace space : List.of(IdSpace.SHM, IdSpace.SEM, IdSpace.MSG, IdSpace.PID)) {
            List<Integer> first = new ArrayList<>();
            List<Integer> second = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                first.add(driver.kernel("node1").allocate(space));
                second.add(driver.kernel("node2").allocate(space));
            }
            assertNotEquals(first, second, space + " ids of node1 and node2 must differ");
        }
    }

    @Test
    void aReusedIpcSlotGivesANewId() {
        NodeKernel kernel = driver.kernel("node1");
        int first = kernel.allocate(IdSpace.MSG);
        kernel.release(IdSpace.MSG, first);
        int second = kernel.allocate(IdSpace.MSG);
        assertEquals(first % 32768, second % 32768, "the lowest free slot is reused");
        assertNotEquals(first, second, "but with a new sequence number");
        assertEquals(1, kernel.allocated(IdSpace.MSG));
    }

    @Test
    void ptyNumbersAreTheLowestFree() {
        NodeKernel kernel = driver.kernel("node1");
        assertEquals(0, kernel.allocate(IdSpace.PTY));
        assertEquals(1, kernel.allocate(IdSpace.PTY));
        kernel.release(IdSpace.PTY, 0);
        assertEquals(0, kernel.allocate(IdSpace.PTY));
    }

    @Test
    void aFullSpaceIsExhausted() {
        NodeKernel kernel = driver.kernel("node1");
        for (int i = 0; i < IdAllocator.PTY_MAX; i++) {
            kernel.allocate(IdSpace.PTY);
        }
        assertEquals(Reason.EXHAUSTED, assertThrows(FirmwareException.class, () -> kernel.allocate(IdSpace.PTY)).reason());
    }

    @Test
    void releasingAnIdNeverAllocatedChangesNothing() {
        NodeKernel kernel = driver.kernel("node1");
        int id = kernel.allocate(IdSpace.SEM);
        kernel.release(IdSpace.SEM, id + 32768);
        kernel.release(IdSpace.SEM, -5);
        assertEquals(1, kernel.allocated(IdSpace.SEM));
    }

    @Test
    void aPartitionHasOneValidLeaseAtATimeAndEpochsGrow() {
        Lease first = driver.host("p1", "node1");
        assertEquals(Reason.ALREADY_HOSTED, assertThrows(FirmwareException.class, () -> driver.host("p1", "node2")).reason());
        assertEquals(Set.of("p1"), node("node1").partitions());
        first.release();
        first.release();
        assertFalse(first.valid());
        Lease second = driver.host("p1", "node2");
        assertTrue(second.epoch() > first.epoch());
        assertEquals(Set.of(), node("node1").partitions());
        assertEquals(Set.of("p1"), node("node2").partitions());
    }

    @Test
    void crashEndsLeasesAtOnceDiscardsTheKernelAndReportsDeathsBeforeTheNode() throws Exception {
        Lease p1 = driver.host("p1", "node2");
        Lease p2 = driver.host("p2", "node2");
        Lease elsewhere = driver.host("p3", "node1");
        NodeKernel before = driver.kernel("node2");
        before.allocate(IdSpace.SHM);
        driver.crash("node2");
        assertFalse(p1.valid(), "leases must end before crash returns");
        assertFalse(p2.valid());
        assertTrue(elsewhere.valid());
        assertEquals(NodeState.DOWN, node("node2").state());
        assertEquals(Reason.NODE_DOWN, assertThrows(FirmwareException.class, () -> before.allocate(IdSpace.SHM)).reason());
        assertEquals(Reason.NODE_DOWN, assertThrows(FirmwareException.class, () -> driver.host("p9", "node2")).reason());

        Set<String> died = new HashSet<>();
        died.add(nextEvent().partition().orElseThrow());
        died.add(nextEvent().partition().orElseThrow());
        assertEquals(Set.of("p1", "p2"), died);
        FirmwareEvent down = nextEvent();
        assertEquals(FirmwareEvent.Kind.NODE_DOWN, down.kind());
        assertEquals("node2", down.node());
    }

    @Test
    void reviveBootsANewEmptyKernel() throws Exception {
        NodeKernel before = driver.kernel("node1");
        before.allocate(IdSpace.MSG);
        driver.crash("node1");
        nextEvent();
        driver.revive("node1");
        assertEquals(FirmwareEvent.Kind.NODE_UP, nextEvent().kind());
        NodeKernel after = driver.kernel("node1");
        assertEquals(2, after.boot());
        assertEquals(0, after.allocated(IdSpace.MSG));
        assertEquals(NodeState.UP, node("node1").state());
        assertEquals(Reason.NODE_UP, assertThrows(FirmwareException.class, () -> driver.revive("node1")).reason());
    }

    @Test
    void faultsOnUnknownOrDownNodesAreRefused() {
        assertEquals(Reason.UNKNOWN_NODE, assertThrows(FirmwareException.class, () -> driver.crash("node9")).reason());
        assertEquals(Reason.UNKNOWN_NODE, assertThrows(FirmwareException.class, () -> driver.kernel("node9")).reason());
        driver.crash("node3");
        assertEquals(Reason.NODE_DOWN, assertThrows(FirmwareException.class, () -> driver.crash("node3")).reason());
    }

    @Test
    void aListenerThatThrowsDoesNotStopDeliveryToOthers() throws Exception {
        SimFirmwareDriver fresh = new SimFirmwareDriver("a");
        BlockingQueue<FirmwareEvent> received = new LinkedBlockingQueue<>();
        fresh.addListener(event -> {
            throw new IllegalStateException("broken listener");
        });
        fresh.addListener(received::add);
        fresh.crash("a");
        assertEquals(FirmwareEvent.Kind.NODE_DOWN, Optional.ofNullable(received.poll(5, TimeUnit.SECONDS)).orElseThrow().kind());
        fresh.deactivate();
    }

    @Test
    void badConfigurationIsRefusedWithItsReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SimFirmwareDriver())
                .getMessage().contains("at least one node"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SimFirmwareDriver("Node1"))
                .getMessage().contains("invalid node name 'Node1'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SimFirmwareDriver("n1", "n1"))
                .getMessage().contains("configured twice"));
    }

    @Test
    void concurrentAllocationsGiveUniqueIds() throws Exception {
        NodeKernel kernel = driver.kernel("node1");
        Set<Integer> ids = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> jobs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            jobs.add(pool.submit(() -> {
                for (int i = 0; i < 1000; i++) {
                    assertTrue(ids.add(kernel.allocate(IdSpace.SHM)));
                }
            }));
        }
        for (Future<?> job : jobs) {
            job.get();
        }
        pool.shutdown();
        assertEquals(8000, ids.size());
        assertEquals(8000, kernel.allocated(IdSpace.SHM));
    }
}
