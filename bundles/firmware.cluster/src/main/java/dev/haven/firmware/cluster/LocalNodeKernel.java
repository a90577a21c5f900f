package dev.haven.firmware.cluster;

import java.util.BitSet;
import java.util.EnumMap;
import java.util.Map;

import dev.haven.api.firmware.FirmwareException;
import dev.haven.api.firmware.FirmwareException.Reason;
import dev.haven.api.firmware.IdSpace;
import dev.haven.api.firmware.NodeKernel;

/**
 * The real id spaces of this node, for as long as the driver runs: pids count up from a start that differs per
 * boot and wrap at Linux's pid_max, IPC-like ids are {@code sequence * 32768 + slot} with the lowest free slot and
 * a sequence that grows on every reuse, pty numbers are the lowest free. Guarded by this object's monitor.
 */
final class LocalNodeKernel implements NodeKernel {
    private static final int PID_MIN = 300;
    private static final int PID_LIMIT = 4_194_304;
    private static final int SLOTS = 32_768;
    private static final int PTY_LIMIT = 4096;

    private final String node;
    private final long boot;
    private final Map<IdSpace, BitSet> used = new EnumMap<>(IdSpace.class);
    private final Map<IdSpace, int[]> sequences = new EnumMap<>(IdSpace.class);
    private final Map<IdSpace, Integer> counts = new EnumMap<>(IdSpace.class);
    private int nextPid;
    private boolean alive = true;

    LocalNodeKernel(String node, long boot) {
        this.node = node;
        this.boot = boot;
        this.nextPid = PID_MIN + (int) Math.floorMod(boot * 7919, SLOTS);
        for (IdSpace space : IdSpace.values()) {
            used.put(space, new BitSet());
            sequences.put(space, new int[SLOTS]);
            counts.put(space, 0);
        }
    }

    @Override
    public String node() {
        return node;
    }

    @Override
    public long boot() {
        return boot;
    }

    @Override
    public synchronized int allocate(IdSpace space) {
        if (!alive) {
            throw new FirmwareException(Reason.NODE_DOWN, "node " + node + " is down (its cluster driver stopped)");
        }
        BitSet taken = used.get(space);
        int capacity = capacity(space);
        if (counts.get(space) >= capacity) {
            throw new FirmwareException(Reason.EXHAUSTED,
                    "node " + node + " has no free " + space + " id: all " + capacity + " are in use");
        }
        int id;
        switch (space) {
            case PID -> {
                while (taken.get(nextPid)) {
                    nextPid = nextPid + 1 >= PID_LIMIT ? PID_MIN : nextPid + 1;
                }
                id = nextPid;
                taken.set(id);
                nextPid = nextPid + 1 >= PID_LIMIT ? PID_MIN : nextPid + 1;
            }
            case PTY -> {
                id = taken.nextClearBit(0);
                taken.set(id);
            }
            default -> {
                int slot = taken.nextClearBit(0);
                taken.set(slot);
                id = sequences.get(space)[slot] * SLOTS + slot;
            }
        }
        counts.merge(space, 1, Integer::sum);
        return id;
    }

    @Override
    public synchronized void release(IdSpace space, int id) {
        if (!alive || id < 0) {
            return;
        }
        int index = space == IdSpace.PID || space == IdSpace.PTY ? id : id % SLOTS;
        BitSet taken = used.get(space);
        if (index >= capacity(space) || !taken.get(index)) {
            return;
        }
        if (space != IdSpace.PID && space != IdSpace.PTY) {
            int[] sequence = sequences.get(space);
            if (sequence[index] * SLOTS + index != id) {
                return;
            }
            // the next object in this slot gets another id, as Linux's ipc_idr does; wraps before int overflow
            sequence[index] = (sequence[index] + 1) % (Integer.MAX_VALUE / SLOTS);
        }
        taken.clear(index);
        counts.merge(space, -1, Integer::sum);
    }

    @Override
    public synchronized int allocated(IdSpace space) {
        return alive ? counts.get(space) : 0;
    }

    synchronized void kill() {
        alive = false;
    }

    private static int capacity(IdSpace space) {
        return switch (space) {
            case PID -> PID_LIMIT;
            case PTY -> PTY_LIMIT;
            default -> SLOTS;
        };
    }

    @Override
    public String toString() {
        return "kernel of " + node + " (boot " + boot + (alive ? ")" : ", ended)");
    }
}
