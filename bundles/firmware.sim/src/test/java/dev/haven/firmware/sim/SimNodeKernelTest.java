package dev.haven.firmware.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.haven.api.firmware.FirmwareException;
import dev.haven.api.firmware.FirmwareException.Reason;
import dev.haven.api.firmware.IdSpace;
import dev.haven.api.firmware.NodeKernel;

class SimNodeKernelTest {
    private static final Map<IdSpace, Integer> CAPACITY = Map.of(
            IdSpace.PID, SimNodeKernel.PID_LIMIT - SimNodeKernel.PID_MIN,
            IdSpace.SHM, 32768, IdSpace.SEM, 32768, IdSpace.MSG, 32768, IdSpace.POSIX, 32768, IdSpace.STREAM, 32768,
            IdSpace.PTY, SimNodeKernel.PTY_LIMIT);

    private final SimFirmwareDriver driver = new SimFirmwareDriver("node1", "node2");

    @AfterEach
    void stopDriver() {
        driver.deactivate();
    }

    /** Allocates five ids, gives back the second and fourth, allocates two more. */
    private static List<Integer> history(NodeKernel kernel, IdSpace space) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(kernel.allocate(space));
        }
        kernel.release(space, ids.get(1));
        kernel.release(space, ids.get(3));
        ids.add(kernel.allocate(space));
        ids.add(kernel.allocate(space));
        return ids;
    }

    @ParameterizedTest
    @EnumSource(value = IdSpace.class, names = "PTY", mode = EnumSource.Mode.EXCLUDE)
    void twoNodesHandOutDifferentIdsForTheSameHistory(IdSpace space) {
        List<Integer> node1 = history(driver.kernel("node1"), space);
        List<Integer> node2 = history(driver.kernel("node2"), space);
        assertTrue(Collections.disjoint(node1, node2), space + ": node1 " + node1 + ", node2 " + node2);
    }

    @ParameterizedTest
    @EnumSource(value = IdSpace.class, names = "PTY", mode = EnumSource.Mode.EXCLUDE)
    void aNewBootHandsOutDifferentIdsThanThePreviousOne(IdSpace space) {
        List<Integer> firstBoot = history(driver.kernel("node1"), space);
        driver.crash("node1");
        driver.revive("node1");
        List<Integer> secondBoot = history(driver.kernel("node1"), space);
        assertTrue(Collections.disjoint(firstBoot, secondBoot), space + ": " + firstBoot + " then " + secondBoot);
    }

    @Test
    void ptyNumbersAreTheLowestFreeOnEachNodeIndependently() {
        NodeKernel node1 = driver.kernel("node1");
        NodeKernel node2 = driver.kernel("node2");
        assertEquals(List.of(0, 1, 2), List.of(node1.allocate(IdSpace.PTY), node1.allocate(IdSpace.PTY),
                node1.allocate(IdSpace.PTY)));
        node1.release(IdSpace.PTY, 1);
        assertEquals(0, node2.allocate(IdSpace.PTY), "node2's ptys do not depend on node1's");
        assertEquals(1, node1.allocate(IdSpace.PTY));
        assertEquals(1, node2.allocated(IdSpace.PTY));
    }

    @Test
    void aReusedIpcSlotGivesANewId() {
        NodeKernel kernel = driver.kernel("node1");
        int first = kernel.allocate(IdSpace.MSG);
        kernel.release(IdSpace.MSG, first);
        int second = kernel.allocate(IdSpace.MSG);
        assertEquals(first % 32768, second % 32768, "the lowest free slot is reused");
        assertNotEquals(first, second, "with a new sequence number");
    }

    @Test
    void pidsStartAboveTheReservedOnesAndCountUp() {
        NodeKernel kernel = driver.kernel("node1");
        int first = kernel.allocate(IdSpace.PID);
        assertTrue(first >= SimNodeKernel.PID_MIN, "first pid " + first);
        assertEquals(first + 1, kernel.allocate(IdSpace.PID));
        kernel.release(IdSpace.PID, first);
        assertEquals(first + 2, kernel.allocate(IdSpace.PID), "a released pid is not reused at once");
    }

    @ParameterizedTest
    @EnumSource(IdSpace.class)
    void aFullSpaceIsExhaustedUntilAnIdIsReleased(IdSpace space) {
        NodeKernel kernel = driver.kernel("node1");
        int capacity = CAPACITY.get(space);
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < capacity; i++) {
            ids.add(kernel.allocate(space));
        }
        assertEquals(capacity, ids.size(), "every id is distinct");
        FirmwareException full = assertThrows(FirmwareException.class, () -> kernel.allocate(space));
        assertEquals(Reason.EXHAUSTED, full.reason());
        assertTrue(full.getMessage().contains("node1") && full.getMessage().contains(space.name()), full.getMessage());
        assertEquals(capacity, kernel.allocated(space));

        kernel.release(space, ids.iterator().next());
        kernel.allocate(space);
        assertEquals(capacity, kernel.allocated(space));
    }

    @Test
    void releasingAnIdThatIsNotAllocatedChangesNothing() {
        NodeKernel kernel = driver.kernel("node1");
        int id = kernel.allocate(IdSpace.SEM);
        kernel.release(IdSpace.SEM, id + 32768);
        kernel.release(IdSpace.SEM, id + 1);
        kernel.release(IdSpace.SEM, -5);
        kernel.release(IdSpace.SHM, id);
        assertEquals(1, kernel.allocated(IdSpace.SEM));
        assertEquals(0, kernel.allocated(IdSpace.SHM));
    }

    @Test
    void aCrashedNodeAllocatesNothingAndItsIdsAreGone() {
        NodeKernel kernel = driver.kernel("node1");
        int id = kernel.allocate(IdSpace.SHM);
        driver.crash("node1");
        assertEquals(Reason.NODE_DOWN, assertThrows(FirmwareException.class, () -> kernel.allocate(IdSpace.SHM)).reason());
        assertEquals(0, kernel.allocated(IdSpace.SHM));
        kernel.release(IdSpace.SHM, id);

        driver.revive("node1");
        NodeKernel rebooted = driver.kernel("node1");
        assertEquals(2, rebooted.boot());
        assertEquals(0, rebooted.allocated(IdSpace.SHM));
        assertEquals(Reason.NODE_DOWN, assertThrows(FirmwareException.class, () -> kernel.allocate(IdSpace.SHM)).reason(),
                "the kernel of an ended boot stays dead after the node boots again");
    }

    @Test
    void concurrentAllocationsFromManyThreadsGiveUniqueIds() throws Exception {
        NodeKernel kernel = driver.kernel("node1");
        int threads = 8;
        int perThread = 2000;
        Set<Integer> live = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                jobs.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        int id = kernel.allocate(IdSpace.SHM);
                        assertTrue(live.add(id), "id " + id + " handed out twice");
                        if (i % 2 == 0) {
                            live.remove(id);
                            kernel.release(IdSpace.SHM, id);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> job : jobs) {
                job.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * perThread / 2, live.size());
        assertEquals(live.size(), kernel.allocated(IdSpace.SHM));
    }
}
