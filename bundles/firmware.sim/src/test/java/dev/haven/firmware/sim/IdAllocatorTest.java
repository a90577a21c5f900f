package dev.haven.firmware.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class IdAllocatorTest {

    @Test
    void ipcIdsAreSequenceTimesSlotsPlusTheLowestFreeSlot() {
        IpcIdAllocator ids = new IpcIdAllocator(7);
        assertEquals(7 * 32768, ids.allocate());
        assertEquals(7 * 32768 + 1, ids.allocate());
        assertEquals(7 * 32768 + 2, ids.allocate());
        ids.release(7 * 32768 + 1);
        assertEquals(8 * 32768 + 1, ids.allocate(), "slot 1 is the lowest free one, with its sequence advanced");
    }

    @Test
    void aReusedIpcSlotNeverRepeatsAnIdWhileTheSequenceHasNotWrapped() {
        IpcIdAllocator ids = new IpcIdAllocator(0);
        int previous = ids.allocate();
        for (int reuse = 0; reuse < 1000; reuse++) {
            ids.release(previous);
            int next = ids.allocate();
            assertEquals(previous % 32768, next % 32768);
            assertNotEquals(previous, next);
            previous = next;
        }
    }

    @Test
    void ipcSequencesWrapBeforeIdsOverflow() {
        IpcIdAllocator ids = new IpcIdAllocator(IpcIdAllocator.SEQ_LIMIT - 1);
        int last = ids.allocate();
        assertEquals((IpcIdAllocator.SEQ_LIMIT - 1) * 32768, last);
        ids.release(last);
        assertEquals(0, ids.allocate());
    }

    @Test
    void releasingAStaleIpcIdOfAReusedSlotKeepsTheCurrentOne() {
        IpcIdAllocator ids = new IpcIdAllocator(3);
        int stale = ids.allocate();
        ids.release(stale);
        int current = ids.allocate();
        ids.release(stale);
        assertEquals(1, ids.allocated());
        ids.release(current);
        assertEquals(0, ids.allocated());
    }

    @Test
    void pidsCountUpFromTheirStartAndWrapToTheMinimumSkippingPidsInUse() {
        PidAllocator pids = new PidAllocator(8, 2, 10);
        assertEquals(8, pids.allocate());
        assertEquals(9, pids.allocate());
        assertEquals(2, pids.allocate(), "wraps at the limit to the minimum");
        assertEquals(3, pids.allocate());
        pids.release(9);
        assertEquals(4, pids.allocate(), "a freed pid is not reused before the counter comes round");
        for (int pid = 5; pid <= 7; pid++) {
            assertEquals(pid, pids.allocate());
        }
        assertEquals(9, pids.allocate(), "8 is in use, so the counter skips it");
        assertEquals(pids.capacity(), pids.allocated());
    }

    @Test
    void releasingAPidNotInUseChangesNothing() {
        PidAllocator pids = new PidAllocator(300, 300, 400);
        pids.allocate();
        pids.release(301);
        pids.release(5);
        pids.release(400);
        assertEquals(1, pids.allocated());
    }

    @Test
    void lowestFreeNumbersAreHandedOutLikePtys() {
        LowestFreeAllocator ptys = new LowestFreeAllocator(8);
        assertEquals(0, ptys.allocate());
        assertEquals(1, ptys.allocate());
        assertEquals(2, ptys.allocate());
        ptys.release(1);
        ptys.release(1);
        assertEquals(2, ptys.allocated());
        assertEquals(1, ptys.allocate());
        assertEquals(3, ptys.allocate());
    }
}
