package dev.haven.firmware.sim;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
import dev.haven.api.firmware.FirmwareEvent.Kind;
import dev.haven.api.firmware.FirmwareException;
import dev.haven.api.firmware.FirmwareException.Reason;
import dev.haven.api.firmware.FirmwareListener;
import dev.haven.api.firmware.Lease;
import dev.haven.api.firmware.NodeInfo;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.firmware.NodeState;

/**
 * The default firmware: simulated nodes in this JVM. A crash ends every lease on the node before
 * crash returns (so a fenced instance cannot run another kernel call) and before anyone hears of it.
 * Node states are guarded by this object's monitor; it is taken before the {@link LeaseTable}'s or a
 * {@link SimNodeKernel}'s, never after. Events are posted under it, so listeners hear of changes in
 * the order they happened.
 */
// Immediate: the kernel is a FirmwareListener of the driver and the driver a reference of the kernel; a driver
// activated lazily from inside the kernel's activation would meet that cycle and SCR would bind it only later.
@Component(service = FirmwareDriver.class, immediate = true, property = "firmware.name=" + SimFirmwareDriver.NAME,
        configurationPid = SimFirmwareDriver.PID)
@Designate(ocd = SimFirmwareConfig.class)
public final class SimFirmwareDriver implements FirmwareDriver, FaultInjector {
    static final String NAME = "sim";
    static final String PID = "dev.haven.firmware.sim";
    private static final Pattern NODE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");

    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    private final LeaseTable leases = new LeaseTable();
    private final EventDispatcher events = new EventDispatcher("haven-firmware-sim-events");

    @Activate
    public SimFirmwareDriver(SimFirmwareConfig config) {
        this(config.nodes());
    }

    SimFirmwareDriver(String... names) {
        if (names == null || names.length == 0) {
            throw new IllegalArgumentException(PID + ": 'nodes' names no node; the simulated firmware needs at least one");
        }
        for (String name : names) {
            if (name == null || !NODE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(PID + ": invalid node name '" + name + "' in 'nodes': use a "
                        + "lowercase letter followed by up to 30 lowercase letters, digits or '-'");
            }
            if (nodes.putIfAbsent(name, new SimNode(name, nodes.size())) != null) {
                throw new IllegalArgumentException(PID + ": node '" + name + "' appears twice in 'nodes'");
            }
        }
    }

    /** The simulated machine is switched off: every lease ends and every kernel dies. */
    @Deactivate
    void deactivate() {
        synchronized (this) {
            leases.endAll();
            nodes.values().forEach(node -> node.kernel().kill());
            events.stop();
        }
        events.awaitStopped();
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
        return nodes.values().stream().map(node -> node.info(leases)).toList();
    }

    @Override
    public synchronized NodeKernel kernel(String node) {
        return require(node).kernel();
    }

    @Override
    public synchronized Lease host(String partition, String node) {
        Objects.requireNonNull(partition, "partition");
        SimNode target = require(node);
        if (target.state() == NodeState.DOWN) {
            throw new FirmwareException(Reason.NODE_DOWN, "node " + node + " is down; it cannot host " + partition);
        }
        return leases.grant(partition, node);
    }

    @Override
    public Optional<FaultInjector> faults() {
        return Optional.of(this);
    }

    @Override
    public synchronized void crash(String node) {
        SimNode target = require(node);
        if (target.state() == NodeState.DOWN) {
            throw new FirmwareException(Reason.NODE_DOWN, "node " + node + " is already down");
        }
        List<String> died = leases.endAllOn(node);
        target.crash();
        Instant now = Instant.now();
        for (String partition : died) {
            events.post(new FirmwareEvent(Kind.PARTITION_DIED, NAME, node, Optional.of(partition),
                    "partition " + partition + " died with node " + node, now));
        }
        events.post(new FirmwareEvent(Kind.NODE_DOWN, NAME, node, Optional.empty(),
                "node " + node + " crashed (boot " + target.boot() + ")", now));
    }

    @Override
    public synchronized void revive(String node) {
        SimNode target = require(node);
        if (target.state() == NodeState.UP) {
            throw new FirmwareException(Reason.NODE_UP, "node " + node + " is up; only a down node can be revived");
        }
        target.reboot();
        events.post(new FirmwareEvent(Kind.NODE_UP, NAME, node, Optional.empty(),
                "node " + node + " booted (boot " + target.boot() + ")", Instant.now()));
    }

    private SimNode require(String node) {
        SimNode found = node == null ? null : nodes.get(node);
        if (found == null) {
            throw new FirmwareException(Reason.UNKNOWN_NODE,
                    "no node named '" + node + "'; the " + NAME + " firmware has " + nodes.keySet());
        }
        return found;
    }
}
