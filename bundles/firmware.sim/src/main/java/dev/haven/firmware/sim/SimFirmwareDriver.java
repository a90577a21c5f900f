package dev.haven.firmware.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

import dev.haven.api.firmware.FaultInjector;
import dev.haven.api.firmware.FirmwareDriver;
import dev.haven.api.firmware.FirmwareEvent;
import dev.haven.api.firmware.FirmwareException;
import dev.haven.api.firmware.FirmwareException.Reason;
import dev.haven.api.firmware.FirmwareListener;
import dev.haven.api.firmware.Lease;
import dev.haven.api.firmware.NodeInfo;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.firmware.NodeState;

/**
 * The default firmware: simulated nodes in this JVM. Each node has its own kernel per boot; a crash
 * ends every lease on the node before anyone hears of it (so a fenced instance can never run another
 * kernel call), discards the kernel, and then reports the dead partitions and the node.
 * All state is guarded by this object's monitor; events leave through the {@link EventDispatcher}.
 */
// Immediate: the kernel is a FirmwareListener of the driver and the driver a reference of the kernel; a driver
// activated lazily from inside the kernel's activation would meet that cycle and SCR would bind it only later.
@Component(service = FirmwareDriver.class, immediate = true, property = "firmware.name=sim",
        configurationPid = "dev.haven.firmware.sim")
@Designate(ocd = SimFirmwareConfig.class)
public final class SimFirmwareDriver implements FirmwareDriver, FaultInjector {
    private static final Pattern NODE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    static final String NAME = "sim";

    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    private final Map<String, SimLease> leases = new HashMap<>();
    private final Map<String, Long> epochs = new HashMap<>();
    private final EventDispatcher events = new EventDispatcher("haven-firmware-sim-events");

    /** One simulated node: its state and the kernel of its current boot. */
    private static final class SimNode {
        final String name;
        NodeState state = NodeState.UP;
        long boot = 1;
        SimNodeKernel kernel;

        SimNode(String name) {
            this.name = name;
            this.kernel = new SimNodeKernel(name, boot);
        }
    }

    @Activate
    public SimFirmwareDriver(SimFirmwareConfig config) {
        this(config.nodes());
    }

    SimFirmwareDriver(String... names) {
        if (names == null || names.length == 0) {
            throw new IllegalArgumentException("the simulated firmware needs at least one node");
        }
        for (String name : names) {
            if (name == null || !NODE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid node name '" + name
                        + "': use 1 to 31 characters, a lowercase letter first, then lowercase letters, digits or '-'");
            }
            if (nodes.putIfAbsent(name, new SimNode(name)) != null) {
                throw new IllegalArgumentException("node '" + name + "' is configured twice");
            }
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            leases.values().forEach(SimLease::end);
            leases.clear();
        }
        events.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(FirmwareListener listener) {
        events.add(listener);
    }

    void removeListener(FirmwareListener listener) {
        events.remove(listener);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized List<NodeInfo> nodes() {
        List<NodeInfo> infos = new ArrayList<>();
        for (SimNode node : nodes.values()) {
            infos.add(new NodeInfo(node.name, node.state, node.boot, hostedOn(node.name)));
        }
        return infos;
    }

    @Override
    public synchronized NodeKernel kernel(String node) {
        return require(node).kernel;
    }

    @Override
    public synchronized Lease host(String partition, String node) {
        SimNode target = require(node);
        if (target.state == NodeState.DOWN) {
            throw new FirmwareException(Reason.NODE_DOWN, "node " + node + " is down");
        }
        SimLease current = leases.get(partition);
        if (current != null && current.valid()) {
            throw new FirmwareException(Reason.ALREADY_HOSTED, "partition " + partition + " already runs on " + current.node());
        }
        long epoch = epochs.merge(partition, 1L, Long::sum);
        SimLease[] granted = new SimLease[1];
        granted[0] = new SimLease(partition, node, epoch, () -> forget(granted[0]));
        leases.put(partition, granted[0]);
        return granted[0];
    }

    private synchronized void forget(SimLease lease) {
        leases.remove(lease.partition(), lease);
    }

    @Override
    public Optional<FaultInjector> faults() {
        return Optional.of(this);
    }

    @Override
    public void crash(String node) {
        List<FirmwareEvent> toPost = new ArrayList<>();
        synchronized (this) {
            SimNode target = require(node);
            if (target.state == NodeState.DOWN) {
                throw new FirmwareException(Reason.NODE_DOWN, "node " + node + " is already down");
            }
            Instant now = Instant.now();
            for (String partition : hostedOn(node)) {
                SimLease lease = leases.remove(partition);
                lease.end();
                toPost.add(new FirmwareEvent(FirmwareEvent.Kind.PARTITION_DIED, NAME, node, Optional.of(partition),
                        "node " + node + " crashed", now));
            }
            target.state = NodeState.DOWN;
            target.kernel.kill();
            toPost.add(new FirmwareEvent(FirmwareEvent.Kind.NODE_DOWN, NAME, node, Optional.empty(),
                    "node " + node + " crashed", now));
        }
        toPost.forEach(events::post);
    }

    @Override
    public void revive(String node) {
        FirmwareEvent up;
        synchronized (this) {
            SimNode target = require(node);
            if (target.state == NodeState.UP) {
                throw new FirmwareException(Reason.NODE_UP, "node " + node + " is not down");
            }
            target.boot++;
            target.kernel = new SimNodeKernel(node, target.boot);
            target.state = NodeState.UP;
            up = new FirmwareEvent(FirmwareEvent.Kind.NODE_UP, NAME, node, Optional.empty(),
                    "node " + node + " booted (boot " + target.boot + ")", Instant.now());
        }
        events.post(up);
    }

    private SimNode require(String node) {
        SimNode found = node == null ? null : nodes.get(node);
        if (found == null) {
            throw new FirmwareException(Reason.UNKNOWN_NODE, "no node named '" + node + "'; the sim firmware has "
                    + nodes.keySet());
        }
        return found;
    }

    private Set<String> hostedOn(String node) {
        Set<String> hosted = new TreeSet<>();
        for (SimLease lease : leases.values()) {
            if (lease.valid() && lease.node().equals(node)) {
                hosted.add(lease.partition());
            }
        }
        return hosted;
    }
}
