package dev.haven.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import dev.haven.api.firmware.FirmwareDriver;
import dev.haven.api.firmware.FirmwareException;
import dev.haven.api.firmware.IdSpace;
import dev.haven.api.firmware.Lease;
import dev.haven.api.firmware.NodeInfo;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.firmware.NodeState;

/** A minimal in-memory firmware for unit tests of the kernel; the real simulated driver has its own bundle. */
final class TestFirmware implements FirmwareDriver {
    final Map<String, Boolean> up = new LinkedHashMap<>();
    final List<TestLease> leases = new ArrayList<>();
    private final AtomicLong epochs = new AtomicLong();

    TestFirmware(String... nodes) {
        for (String node : nodes) {
            up.put(node, true);
        }
    }

    @Override
    public String name() {
        return "test";
    }

    @Override
    public synchronized List<NodeInfo> nodes() {
        List<NodeInfo> infos = new ArrayList<>();
        up.forEach((node, isUp) -> infos.add(new NodeInfo(node, isUp ? NodeState.UP : NodeState.DOWN, 1,
                leases.stream().filter(l -> l.valid() && l.node().equals(node)).map(Lease::partition).collect(Collectors.toSet()))));
        return infos;
    }

    @Override
    public NodeKernel kernel(String node) {
        AtomicInteger next = new AtomicInteger(1000);
        return new NodeKernel() {
            public String node() {
                return node;
            }

            public long boot() {
                return 1;
            }

            public int allocate(IdSpace space) {
                return next.incrementAndGet();
            }

            public void release(IdSpace space, int id) {
            }

            public int allocated(IdSpace space) {
                return 0;
            }
        };
    }

    @Override
    public synchronized Lease host(String partition, String node) {
        if (!up.getOrDefault(node, false)) {
            throw new FirmwareException(FirmwareException.Reason.NODE_DOWN, node + " is down");
        }
        TestLease lease = new TestLease(partition, node, epochs.incrementAndGet());
        leases.add(lease);
        return lease;
    }

    /** Crashes a node the way a driver must: leases end before anyone is told. */
    synchronized void crash(String node) {
        up.put(node, false);
        leases.stream().filter(l -> l.node().equals(node)).forEach(l -> l.valid = false);
    }

    Set<String> nodeNames() {
        return up.keySet();
    }

    static final class TestLease implements Lease {
        private final String partition;
        private final String node;
        private final long epoch;
        volatile boolean valid = true;

        TestLease(String partition, String node, long epoch) {
            this.partition = partition;
            this.node = node;
            this.epoch = epoch;
        }

        public String partition() {
            return partition;
        }

        public String node() {
            return node;
        }

        public long epoch() {
            return epoch;
        }

        public boolean valid() {
            return valid;
        }

        public void release() {
            valid = false;
        }
    }
}
