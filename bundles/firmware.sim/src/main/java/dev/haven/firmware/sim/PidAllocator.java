package dev.haven.firmware.sim;

import java.util.BitSet;

/**
 * Linux pids: count up from where the last allocation stopped, wrap from {@code limit} (pid_max) back
 * to {@code min} (pids below it are reserved, as Linux's RESERVED_PIDS), and skip pids in use.
 */
final class PidAllocator implements IdAllocator {
    private final int min;
    private final int limit;
    private final BitSet used = new BitSet();
    private int allocated;
    private int next;

    PidAllocator(int first, int min, int limit) {
        this.min = min;
        this.limit = limit;
        this.next = first;
    }

    @Override
    public int allocate() {
        int pid = used.nextClearBit(next);
        if (pid >= limit) {
            pid = used.nextClearBit(min);
        }
        used.set(pid);
        allocated++;
        next = pid + 1 == limit ? min : pid + 1;
        return pid;
    }

    @Override
    public void release(int id) {
        if (id >= min && id < limit && used.get(id)) {
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
        return limit - min;
    }
}
