package dev.haven.firmware.sim;

import java.util.EnumMap;
import java.util.Map;

import dev.haven.api.firmware.FirmwareException;
import dev.haven.api.firmware.IdSpace;
import dev.haven.api.firmware.NodeKernel;

/**
 * The kernel of one boot of a simulated node. A crash kills it: from then on it allocates nothing,
 * and the node's next boot gets a new kernel with fresh allocators. Thread-safe by its monitor.
 */
final class SimNodeKernel implements NodeKernel {
    private final String node;
    private final long boot;
    private final Map<IdSpace, IdAllocator> allocators = new EnumMap<>(IdSpace.class);
    private boolean alive = true;

    SimNodeKernel(String node, long boot) {
        this.node = node;
        this.boot = boot;
        // Each node and boot starts its sequences elsewhere, so two nodes with the same history hand out different ids.
        int seed = node.hashCode() * 31 + (int) boot * 7919;
        for (IdSpace space : IdSpace.values()) {
            allocators.put(space, IdAllocator.of(space, node, seed + space.ordinal() * 104729));
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
            throw new FirmwareException(FirmwareException.Reason.NODE_DOWN, "node " + node + " is down");
        }
        return allocators.get(space).allocate();
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

    /** The node crashed: everything this kernel held is gone. */
    synchronized void kill() {
        alive = false;
        allocators.clear();
    }
}
