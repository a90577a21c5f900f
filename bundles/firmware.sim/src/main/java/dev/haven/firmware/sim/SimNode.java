package dev.haven.firmware.sim;

import dev.haven.api.firmware.NodeInfo;
import dev.haven.api.firmware.NodeState;

/** One simulated node: up or down, and the kernel of its current boot. Guarded by the driver's lock. */
final class SimNode {
    // Both coprime to the ranges SimNodeKernel reduces a seed into, so the nodes of one driver start their
    // ids apart in every boot, and so do a node's successive boots.
    private static final int NODE_STRIDE = 7919;
    private static final int BOOT_STRIDE = 104_729;

    private final String name;
    private final int index;
    private NodeState state = NodeState.UP;
    private long boot = 1;
    private SimNodeKernel kernel;

    SimNode(String name, int index) {
        this.name = name;
        this.index = index;
        this.kernel = newKernel();
    }

    private SimNodeKernel newKernel() {
        return new SimNodeKernel(name, boot, index * NODE_STRIDE + (int) boot * BOOT_STRIDE);
    }

    String name() {
        return name;
    }

    NodeState state() {
        return state;
    }

    long boot() {
        return boot;
    }

    SimNodeKernel kernel() {
        return kernel;
    }

    /** The node loses its kernel and stays down until {@link #reboot()}. */
    void crash() {
        kernel.kill();
        state = NodeState.DOWN;
    }

    void reboot() {
        boot++;
        kernel = newKernel();
        state = NodeState.UP;
    }

    NodeInfo info(LeaseTable leases) {
        return new NodeInfo(name, state, boot, leases.hostedOn(name));
    }
}
