package dev.haven.ipc;

import java.util.BitSet;

import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;

/**
 * A partition's virtual ids of one kind, allocated as a fresh Linux IPC namespace does
 * ({@code seq * 32768 + index}, lowest free index, sequence starting at 0), and re-registered as they
 * were on restore (the patents' "register the virtual identifier the WPAR wants"). Guarded by the namespace.
 */
final class VirtualIds {
    static final int SLOTS = 32768;

    private final BitSet used = new BitSet();
    private int seq;

    int allocate(long max, String call) {
        int slot = used.nextClearBit(0);
        if (slot >= Math.min(max, SLOTS)) {
            throw new KernelException(Errno.ENOSPC, call + ": the partition's limit of " + max + " objects is reached");
        }
        used.set(slot);
        int id = seq * SLOTS + slot;
        seq = (seq + 1) % (Integer.MAX_VALUE / SLOTS);
        return id;
    }

    /** Takes exactly this id again (restore); the sequence continues after the restored one. */
    void register(int id, int nextSeq) {
        used.set(id % SLOTS);
        seq = nextSeq;
    }

    void release(int id) {
        used.clear(id % SLOTS);
    }

    int nextSeq() {
        return seq;
    }

    static int slot(int id) {
        return id % SLOTS;
    }
}
