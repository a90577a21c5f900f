package dev.haven.firmware.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.haven.api.firmware.FirmwareException;
import dev.haven.api.firmware.FirmwareException.Reason;
import dev.haven.api.firmware.Lease;
import dev.haven.api.firmware.NodeInfo;

class LeaseTest {
    private final SimFirmwareDriver driver = new SimFirmwareDriver("node1", "node2", "node3");

    @AfterEach
    void stopDriver() {
        driver.deactivate();
    }

    private NodeInfo node(String name) {
        return driver.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aLeaseNamesItsPartitionAndNodeAndIsListedOnTheNode() {
        Lease lease = driver.host("p1", "node2");
        assertEquals("p1", lease.partition());
        assertEquals("node2", lease.node());
        assertTrue(lease.valid());
        assertEquals(Set.of("p1"), node("node2").partitions());
        assertEquals(Set.of(), node("node1").partitions());
    }

    @Test
    void aSecondLeaseForAHostedPartitionIsRefusedOnAnyNode() {
        Lease first = driver.host("p1", "node1");
        for (String node : List.of("node1", "node2")) {
            FirmwareException refused = assertThrows(FirmwareException.class, () -> driver.host("p1", node));
            assertEquals(Reason.ALREADY_HOSTED, refused.reason());
            assertTrue(refused.getMessage().contains("node1"), refused.getMessage());
        }
        assertTrue(first.valid());
    }

    @Test
    void aReleasedLeaseAllowsANewOneWithAHigherEpochOnAnyNode() {
        Lease first = driver.host("p1", "node1");
        first.release();
        assertFalse(first.valid());
        assertEquals(Set.of(), node("node1").partitions());
        Lease second = driver.host("p1", "node2");
        assertTrue(second.epoch() > first.epoch(), first + " then " + second);
        second.release();
        Lease third = driver.host("p1", "node1");
        assertTrue(third.epoch() > second.epoch(), second + " then " + third);
    }

    @Test
    void releaseIsIdempotentAndAStaleReleaseLeavesTheNewLeaseAlone() {
        Lease first = driver.host("p1", "node1");
        first.release();
        Lease second = driver.host("p1", "node1");
        first.release();
        assertTrue(second.valid());
        assertEquals(Set.of("p1"), node("node1").partitions());
    }

    @Test
    void epochsArePerPartition() {
        assertEquals(1, driver.host("p1", "node1").epoch());
        assertEquals(1, driver.host("p2", "node1").epoch());
    }

    @Test
    void hostingIsRefusedOnAnUnknownOrDownNode() {
        assertEquals(Reason.UNKNOWN_NODE, assertThrows(FirmwareException.class, () -> driver.host("p1", "node9")).reason());
        driver.crash("node3");
        assertEquals(Reason.NODE_DOWN, assertThrows(FirmwareException.class, () -> driver.host("p1", "node3")).reason());
        assertTrue(driver.host("p1", "node1").valid(), "the refusals granted nothing");
    }

    @Test
    void concurrentRequestsForOnePartitionGetOneLease() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 200; round++) {
                String partition = "p" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Lease>> attempts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String node = "node" + (t % 3 + 1);
                    attempts.add(pool.submit(() -> {
                        start.await();
                        try {
                            return driver.host(partition, node);
                        } catch (FirmwareException e) {
                            assertEquals(Reason.ALREADY_HOSTED, e.reason());
                            return null;
                        }
                    }));
                }
                start.countDown();
                int granted = 0;
                for (Future<Lease> attempt : attempts) {
                    granted += attempt.get() == null ? 0 : 1;
                }
                assertEquals(1, granted, partition);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deactivationEndsEveryLease() {
        Lease lease = driver.host("p1", "node1");
        driver.deactivate();
        assertFalse(lease.valid());
    }
}
