package dev.haven.api.firmware;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The right to run one partition on one node, granted by the firmware. A lease ends when it is
 * released, when its node fails or when the firmware fences it; from then on the instance that held
 * it must not run another kernel call. Two valid leases for one partition never exist: that is the
 * fencing guarantee the HA manager relies on.
 */
@ProviderType
public interface Lease {

    String partition();

    String node();

    /** Grows with every lease granted for the partition, so a stale holder can be told apart. */
    long epoch();

    /** Whether the lease still holds. */
    boolean valid();

    /** Gives the lease back; the partition no longer runs on the node. Idempotent. */
    void release();
}
