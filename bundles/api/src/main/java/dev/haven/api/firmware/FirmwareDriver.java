package dev.haven.api.firmware;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Partition management firmware: the platform partitions run on. Implementations are bundles that
 * register this service; the runtime uses the highest-ranked one ({@code service.ranking}), so
 * installing a higher-ranked driver swaps it in live. Drivers send their events to every
 * {@link FirmwareListener} service.
 */
@ConsumerType
public interface FirmwareDriver {

    /** A short name for the driver, such as {@code sim}. */
    String name();

    /** Its nodes, by name. */
    List<NodeInfo> nodes();

    /**
     * The kernel of a node.
     *
     * @throws FirmwareException UNKNOWN_NODE
     */
    NodeKernel kernel(String node);

    /**
     * Grants the lease to run a partition on a node.
     *
     * @throws FirmwareException UNKNOWN_NODE, NODE_DOWN, ALREADY_HOSTED (a valid lease exists anywhere)
     */
    Lease host(String partition, String node);

    /** Fault injection, if the driver can simulate failures. */
    default Optional<FaultInjector> faults() {
        return Optional.empty();
    }
}
