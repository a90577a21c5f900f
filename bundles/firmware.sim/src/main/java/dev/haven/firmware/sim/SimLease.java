package dev.haven.firmware.sim;

import dev.haven.api.firmware.Lease;

/** A lease granted by the simulated firmware. Only its {@link LeaseTable} ends it. */
final class SimLease implements Lease {
    private final LeaseTable table;
    private final String partition;
    private final String node;
    private final long epoch;
    // Written under the table's lock, read without it: a holder checks it at every kernel call.
    private volatile boolean valid = true;

    SimLease(LeaseTable table, String partition, String node, long epoch) {
        this.table = table;
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
        return valid;
    }

    @Override
    public void release() {
        table.release(this);
    }

    void end() {
        valid = false;
    }

    @Override
    public String toString() {
        return "lease of " + partition + " on " + node + " (epoch " + epoch + (valid ? ")" : ", ended)");
    }
}
