package dev.haven.firmware.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.haven.api.firmware.FaultInjector;
import dev.haven.api.firmware.FirmwareEvent;
import dev.haven.api.firmware.FirmwareEvent.Kind;
import dev.haven.api.firmware.FirmwareException;
import dev.haven.api.firmware.FirmwareException.Reason;
import dev.haven.api.firmware.IdSpace;
import dev.haven.api.firmware.Lease;
import dev.haven.api.firmware.NodeInfo;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.firmware.NodeState;

class FaultInjectionTest {
    private final SimFirmwareDriver driver = new SimFirmwareDriver("node1", "node2", "node3");
    private final FaultInjector faults = driver.faults().orElseThrow();
    private final RecordingListener events = new RecordingListener();

    FaultInjectionTest() {
        driver.addListener(events);
    }

    @AfterEach
    void stopDriver() {
        driver.deactivate();
    }

    private NodeInfo node(String name) {
        return driver.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aCrashEndsEveryLeaseOnTheNodeBeforeItReturns() {
        Lease p1 = driver.host("p1", "node2");
        Lease p2 = driver.host("p2", "node2");
        Lease elsewhere = driver.host("p3", "node1");
        faults.crash("node2");
        assertFalse(p1.valid());
        assertFalse(p2.valid());
        assertTrue(elsewhere.valid());
        assertEquals(Set.of(), node("node2").partitions());
        assertEquals(NodeState.DOWN, node("node2").state());
    }

    @Test
    void aPartitionOfACrashedNodeCanBeHostedElsewhereWithAHigherEpoch() {
        Lease before = driver.host("p1", "node2");
        faults.crash("node2");
        Lease after = driver.host("p1", "node1");
        assertTrue(after.epoch() > before.epoch());
        before.release();
        assertTrue(after.valid(), "the fenced holder's late release does not end the new lease");
    }

    @Test
    void aCrashReportsEachDeadPartitionThenTheNode() throws Exception {
        driver.host("p2", "node2");
        driver.host("p1", "node2");
        driver.host("p3", "node1");
        faults.crash("node2");
        faults.crash("node1");
        events.expect(Kind.PARTITION_DIED, "node2", Optional.of("p1"));
        events.expect(Kind.PARTITION_DIED, "node2", Optional.of("p2"));
        events.expect(Kind.NODE_DOWN, "node2", Optional.empty());
        events.expect(Kind.PARTITION_DIED, "node1", Optional.of("p3"));
        events.expect(Kind.NODE_DOWN, "node1", Optional.empty());
    }

    @Test
    void aCrashDiscardsTheKernelAndAReviveBootsAnEmptyOne() throws Exception {
        NodeKernel before = driver.kernel("node1");
        before.allocate(IdSpace.MSG);
        faults.crash("node1");
        assertEquals(1, node("node1").boot());
        assertEquals(0, before.allocated(IdSpace.MSG));
        faults.revive("node1");

        NodeKernel after = driver.kernel("node1");
        assertNotSame(before, after);
        assertEquals(2, after.boot());
        assertEquals(2, node("node1").boot());
        assertEquals(NodeState.UP, node("node1").state());
        assertEquals(0, after.allocated(IdSpace.MSG));
        after.allocate(IdSpace.MSG);
        assertTrue(driver.host("p1", "node1").valid());

        events.expect(Kind.NODE_DOWN, "node1", Optional.empty());
        FirmwareEvent up = events.expect(Kind.NODE_UP, "node1", Optional.empty());
        assertTrue(up.reason().contains("boot 2"), up.reason());
    }

    @Test
    void aNodeWithoutPartitionsReportsOnlyItsCrash() throws Exception {
        driver.host("p1", "node1");
        faults.crash("node3");
        faults.revive("node3");
        events.expect(Kind.NODE_DOWN, "node3", Optional.empty());
        events.expect(Kind.NODE_UP, "node3", Optional.empty());
    }

    @Test
    void faultsOnUnknownNodesAreRefused() {
        assertEquals(Reason.UNKNOWN_NODE, assertThrows(FirmwareException.class, () -> faults.crash("node9")).reason());
        assertEquals(Reason.UNKNOWN_NODE, assertThrows(FirmwareException.class, () -> faults.revive("node9")).reason());
        assertEquals(Reason.UNKNOWN_NODE, assertThrows(FirmwareException.class, () -> driver.kernel("node9")).reason());
        assertEquals(Reason.UNKNOWN_NODE, assertThrows(FirmwareException.class, () -> driver.kernel(null)).reason());
    }

    @Test
    void aDownNodeCannotCrashAndAnUpNodeCannotRevive() throws Exception {
        driver.host("p1", "node3");
        assertEquals(Reason.NODE_UP, assertThrows(FirmwareException.class, () -> faults.revive("node3")).reason());
        assertEquals(1, node("node3").boot());
        faults.crash("node3");
        assertEquals(Reason.NODE_DOWN, assertThrows(FirmwareException.class, () -> faults.crash("node3")).reason());
        faults.revive("node3");
        // The refused requests reported nothing: the events are exactly those of one crash and one revive.
        events.expect(Kind.PARTITION_DIED, "node3", Optional.of("p1"));
        events.expect(Kind.NODE_DOWN, "node3", Optional.empty());
        events.expect(Kind.NODE_UP, "node3", Optional.empty());
    }

    @Test
    void theDriverOffersFaultInjectionAndIsNamedSim() {
        assertSame(driver, faults);
        assertEquals("sim", driver.name());
        assertEquals(List.of("node1", "node2", "node3"), driver.nodes().stream().map(NodeInfo::name).toList());
    }
}
