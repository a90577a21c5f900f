package dev.haven.firmware.sim;

import dev.haven.api.firmware.FirmwareException;
import dev.haven.api.firmware.IdSpace;

/**
 * The allocator of one real id space of one node boot. Not thread-safe: its node kernel serializes calls.
 * Three shapes, as Linux has them: IPC ids ({@code seq * 32768 + slot}, lowest free slot, a sequence
 * that advances on every allocation so a reused slot gives a new id), pids (counting up from a
 * per-boot start and wrapping, skipping those in use), and pty numbers (the lowest free number).
 */
abstract class IdAllocator {
    static final int IPC_SLOTS = 32768;
    static final int PID_MAX = 4_194_304;
    static final int PID_MIN = 300;
    static final int PTY_MAX = 4096;

    private final IdSpace space;
    private final String node;

    IdAllocator(IdSpace space, String node) {
        this.space = space;
        this.node = node;
    }

    abstract int allocate();

    /** Releases an id; an id not allocated now is ignored. */
    abstract void release(int id);

    abstract int allocated();

    FirmwareException exhausted(int max) {
        return new FirmwareException(FirmwareException.Reason.EXHAUSTED,
                node + ": no free " + space + " id (all " + max + " in use)");
    }

    static IdAllocator of(IdSpace space, String node, int seed) {
        return switch (space) {
            case PID -> new Pids(space, node, seed);
            case PTY -> new LowestFree(space, node, PTY_MAX);
            default -> new IpcIds(space, node, seed);
        };
    }

    /** Linux ipc ids: {@code seq * SEQ_MULTIPLIER + idx}. */
    static final class IpcIds extends IdAllocator {
        private static final int SEQ_MAX = Integer.MAX_VALUE / IPC_SLOTS;
        private final int[] ids = new int[IPC_SLOTS];
        private final java.util.BitSet used = new java.util.BitSet(IPC_SLOTS);
        private int seq;

        IpcIds(IdSpace space, String node, int seed) {
            super(space, node);
            this.seq = Math.floorMod(seed, SEQ_MAX);
        }

        @Override
        int allocate() {
            int slot = used.nextClearBit(0);
            if (slot >= IPC_SLOTS) {
                throw exhausted(IPC_SLOTS);
            }
            used.set(slot);
            seq = (seq + 1) % SEQ_MAX;
            ids[slot] = seq * IPC_SLOTS + slot;
            return ids[slot];
        }

        @Override
        void release(int id) {
            int slot = Math.floorMod(id, IPC_SLOTS);
            if (id >= 0 && used.get(slot) && ids[slot] == id) {
                used.clear(slot);
            }
        }

        @Override
        int allocated() {
            return used.cardinality();
        }
    }

    /** Pids count up from a per-boot start, wrap at pid_max, and skip pids in use. */
    static final class Pids extends IdAllocator {
        private final java.util.Set<Integer> used = new java.util.HashSet<>();
        private int next;

        Pids(IdSpace space, String node, int seed) {
            super(space, node);
            this.next = PID_MIN + Math.floorMod(seed, 30_000);
        }

        @Override
        int allocate() {
            if (used.size() >= PID_MAX - PID_MIN) {
                throw exhausted(PID_MAX - PID_MIN);
            }
            while (used.contains(next)) {
                advance();
            }
            int pid = next;
            used.add(pid);
            advance();
            return pid;
        }

        private void advance() {
            next = next + 1 >= PID_MAX ? PID_MIN : next + 1;
        }

        @Override
        void release(int id) {
            used.remove(id);
        }

        @Override
        int allocated() {
            return used.size();
        }
    }

    /** The lowest free number, as /dev/pts numbers are handed out. */
    static final class LowestFree extends IdAllocator {
        private final java.util.BitSet used = new java.util.BitSet();
        private final int max;

        LowestFree(IdSpace space, String node, int max) {
            super(space, node);
            this.max = max;
        }

        @Override
        int allocate() {
            int id = used.nextClearBit(0);
            if (id >= max) {
                throw exhausted(max);
            }
            used.set(id);
            return id;
        }

        @Override
        void release(int id) {
            if (id >= 0 && id < max) {
                used.clear(id);
            }
        }

        @Override
        int allocated() {
            return used.cardinality();
        }
    }
}
