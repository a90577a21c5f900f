package dev.haven.firmware.cluster;

import dev.haven.api.firmware.Lease;

/**
 * A lease granted by the cluster firmware to this node. It holds while it was neither released nor fenced and
 * while the node's ZooKeeper session is known to be alive: the driver's confirmation deadline is checked at
 * every call of {@link #valid()}, so an instance thawed after a SIGSTOP finds its lease ended at its first
 * kernel call, before any thread of the driver has run.
 */
final class ClusterLease implements Lease {
    private final ClusterFirmwareDriver driver;
    private final String partition;
    private final String node;
    private final long epoch;
    private volatile boolean held = true;

    ClusterLease(ClusterFirmwareDriver driver, String partition, String node, long epoch) {
        this.driver = driver;
        this.partition = partition;
        this.node = node;
        this.epoch = epoch;
    }

    @Override
    public String partition() {
        return partition;
    }

    @Override
    public String node() {
        return node;
    }

    @Override
    public long epoch() {
        return epoch;
    }

    @Override
    public boolean valid() {
        return held && driver.sessionConfirmed();
    }

    @Override
    public void release() {
        driver.release(this);
    }

    /** Ends the lease; true if it held until now. */
    boolean end() {
        boolean was = held;
        held = false;
        return was;
    }

    boolean held() {
        return held;
    }

    @Override
    public String toString() {
        return "lease of " + partition + " on " + node + " (epoch " + epoch + (held ? ")" : ", ended)");
    }
}
