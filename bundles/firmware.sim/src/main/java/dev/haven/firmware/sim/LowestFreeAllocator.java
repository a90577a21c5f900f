package dev.haven.firmware.sim;

import java.util.BitSet;

/** The lowest free number, as Linux hands out /dev/pts numbers. */
final class LowestFreeAllocator implements IdAllocator {
    private final int limit;
    private final BitSet used = new BitSet();
    private int allocated;

    LowestFreeAllocator(int limit) {
        this.limit = limit;
    }

    @Override
    public int allocate() {
        int id = used.nextClearBit(0);
        used.set(id);
        allocated++;
        return id;
    }

    @Override
    public void release(int id) {
        if (id >= 0 && id < limit && used.get(id)) {
            used.clear(id);
            allocated--;
        }
    }

    @Override
    public int allocated() {
        return allocated;
    }

    @Override
    public int capacity() {
        return limit;
    }
}
