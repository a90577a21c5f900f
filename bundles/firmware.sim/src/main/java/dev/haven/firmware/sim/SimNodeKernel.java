package dev.haven.firmware.sim;

import java.util.EnumMap;
import java.util.Map;

import dev.haven.api.firmware.FirmwareException;
import dev.haven.api.firmware.FirmwareException.Reason;
import dev.haven.api.firmware.IdSpace;
import dev.haven.api.firmware.NodeKernel;

/**
 * The kernel of one boot of a simulated node, with Linux's limits. When the boot ends (the node
 * crashed, or the driver went away) the kernel is killed: its ids are gone and it allocates nothing
 * more; the node's next boot gets a new kernel. All state is guarded by this object's monitor.
 */
final class SimNodeKernel implements NodeKernel {
    /** Linux's pid_max ceiling on 64-bit machines. */
    static final int PID_LIMIT = 4_194_304;
    /** Linux's RESERVED_PIDS: where pid allocation starts again after a wrap. */
    static final int PID_MIN = 300;
    /** Linux's default kernel.pty.max. */
    static final int PTY_LIMIT = 4096;
    // Pids of a fresh boot start somewhere in [PID_MIN, PID_MIN + PID_START_SPREAD), chosen by the seed.
    private static final int PID_START_SPREAD = 32768;

    private final String node;
    private final long boot;
    private final Map<IdSpace, IdAllocator> allocators = new EnumMap<>(IdSpace.class);
    private boolean alive = true;

    /** @param seed differs per node and boot, so that two kernels with the same history hand out different ids */
    SimNodeKernel(String node, long boot, int seed) {
        this.node = node;
        this.boot = boot;
        for (IdSpace space : IdSpace.values()) {
            allocators.put(space, switch (space) {
                case PID -> new PidAllocator(PID_MIN + Math.floorMod(seed, PID_START_SPREAD), PID_MIN, PID_LIMIT);
                case PTY -> new LowestFreeAllocator(PTY_LIMIT);
                case SHM, SEM, MSG, POSIX, STREAM -> new IpcIdAllocator(seed);
            });
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
            throw new FirmwareException(Reason.NODE_DOWN, "node " + node + " is down (boot " + boot + " has ended)");
        }
        IdAllocator allocator = allocators.get(space);
        if (allocator.allocated() >= allocator.capacity()) {
            throw new FirmwareException(Reason.EXHAUSTED,
                    "node " + node + " has no free " + space + " id: all " + allocator.capacity() + " are in use");
        }
        return allocator.allocate();
    }

    @Override
    public synchronized void release(IdSpace space, int id) {
        if (alive) {
            allocators.get(space).release(id);
        }
    }

    @Override
    public synchronized int allocated(IdSpace space) {
        return alive ? allocators.get(space).allocated() : 0;
    }

    /** Ends this boot: every id it handed out is gone. */
    synchronized void kill() {
        alive = false;
        allocators.clear();
    }

    @Override
    public String toString() {
        return "kernel of " + node + " (boot " + boot + (alive ? ")" : ", ended)");
    }
}
