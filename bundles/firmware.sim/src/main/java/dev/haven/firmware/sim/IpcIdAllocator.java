package dev.haven.firmware.sim;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Linux IPC ids: {@code seq * 32768 + slot}, where the slot is the lowest free one and each slot has
 * its own sequence number that advances whenever the slot is given back, so a reused slot never
 * repeats the id it had (until the sequence wraps, as in Linux). Sequences start at
 * {@code firstSeq}, which differs per node and boot.
 */
final class IpcIdAllocator implements IdAllocator {
    /** IPCMNI: the multiplier, and the number of slots. */
    static final int SLOTS = 32768;
    /** The sequence wraps here so that every id stays a positive int. */
    static final int SEQ_LIMIT = Integer.MAX_VALUE / SLOTS;

    private final int firstSeq;
    private final BitSet used = new BitSet();
    private int allocated;
    // How often each slot has been given back; grown on demand since most kernels use few slots.
    private int[] reuses = new int[16];

    IpcIdAllocator(int firstSeq) {
        this.firstSeq = Math.floorMod(firstSeq, SEQ_LIMIT);
    }

    @Override
    public int allocate() {
        int slot = used.nextClearBit(0);
        if (slot >= reuses.length) {
            reuses = Arrays.copyOf(reuses, Math.min(SLOTS, reuses.length * 2));
        }
        used.set(slot);
        allocated++;
        return idOf(slot);
    }

    @Override
    public void release(int id) {
        if (id < 0) {
            return;
        }
        int slot = id % SLOTS;
        if (used.get(slot) && idOf(slot) == id) {
            used.clear(slot);
            reuses[slot]++;
            allocated--;
        }
    }

    private int idOf(int slot) {
        int seq = (int) ((firstSeq + (long) reuses[slot]) % SEQ_LIMIT);
        return seq * SLOTS + slot;
    }

    @Override
    public int allocated() {
        return allocated;
    }

    @Override
    public int capacity() {
        return SLOTS;
    }
}
