package dev.haven.firmware.sim;

import dev.haven.api.firmware.Lease;

/** A lease granted by the simulated firmware; {@link #end()} is how the firmware fences it. */
final class SimLease implements Lease {
    private final String partition;
    private final String node;
    private final long epoch;
    private final Runnable onRelease;
    private volatile boolean valid = true;

    SimLease(String partition, String node, long epoch, Runnable onRelease) {
        this.partition = partition;
        this.node = node;
        this.epoch = epoch;
        this.onRelease = onRelease;
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
        if (valid) {
            valid = false;
            onRelease.run();
        }
    }

    /** Ends the lease without its holder's consent (its node failed). */
    void end() {
        valid = false;
    }

    @Override
    public String toString() {
        return "lease of " + partition + " on " + node + " (epoch " + epoch + (valid ? ")" : ", ended)");
    }
}
