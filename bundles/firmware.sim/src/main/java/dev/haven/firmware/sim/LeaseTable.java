package dev.haven.firmware.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.haven.api.firmware.FirmwareException;
import dev.haven.api.firmware.FirmwareException.Reason;

/**
 * The valid leases, at most one per partition, and each partition's last epoch. A lease is in the
 * table exactly as long as it is valid. Guarded by this object's monitor; the driver calls in while
 * holding its own lock, a lease's holder calls {@link #release} without it, so the order is driver, then table.
 */
final class LeaseTable {
    private final Map<String, SimLease> valid = new HashMap<>();
    // Kept after a lease ends so that the next lease of the partition gets a higher epoch, on any node.
    private final Map<String, Long> epochs = new HashMap<>();

    synchronized SimLease grant(String partition, String node) {
        SimLease current = valid.get(partition);
        if (current != null) {
            throw new FirmwareException(Reason.ALREADY_HOSTED,
                    "partition " + partition + " already runs on " + current.node() + " (epoch " + current.epoch() + ")");
        }
        SimLease lease = new SimLease(this, partition, node, epochs.merge(partition, 1L, Long::sum));
        valid.put(partition, lease);
        return lease;
    }

    synchronized void release(SimLease lease) {
        if (valid.remove(lease.partition(), lease)) {
            lease.end();
        }
    }

    /** Ends every lease on the node; returns their partitions, sorted. */
    synchronized List<String> endAllOn(String node) {
        List<String> ended = new ArrayList<>();
        for (Iterator<SimLease> it = valid.values().iterator(); it.hasNext();) {
            SimLease lease = it.next();
            if (lease.node().equals(node)) {
                lease.end();
                it.remove();
                ended.add(lease.partition());
            }
        }
        ended.sort(null);
        return ended;
    }

    synchronized void endAll() {
        valid.values().forEach(SimLease::end);
        valid.clear();
    }

    synchronized Set<String> hostedOn(String node) {
        Set<String> hosted = new TreeSet<>();
        for (SimLease lease : valid.values()) {
            if (lease.node().equals(node)) {
                hosted.add(lease.partition());
            }
        }
        return hosted;
    }
}
