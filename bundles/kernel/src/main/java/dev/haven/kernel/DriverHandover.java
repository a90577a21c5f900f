package dev.haven.kernel;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.haven.api.checkpoint.CheckpointOptions;
import dev.haven.api.checkpoint.CheckpointResult;
import dev.haven.api.checkpoint.ProgressListener;
import dev.haven.api.checkpoint.RestartOptions;
import dev.haven.api.checkpoint.RestartResult;
import dev.haven.api.firmware.FirmwareDriver;
import dev.haven.api.firmware.NodeInfo;
import dev.haven.api.firmware.NodeState;
import dev.haven.api.partition.PartitionInfo;
import dev.haven.api.partition.PartitionState;

/**
 * Carries the running partitions over a change of the firmware driver in use: each partition hosted through the
 * outgoing driver is checkpointed and stopped (its lease of the outgoing driver still holds: the kernel is told of
 * the incoming driver before the outgoing one stops) and restarted from that image through the incoming driver, on
 * the node of the same name if it has one that is up, else on its first node that is up. A driver that has just
 * started may need a moment before its nodes are up (the cluster driver joins ZooKeeper first): it is given
 * {@link #READY}. What happened is logged for each partition; a partition that could not be restarted stays
 * stopped with the image named in the log.
 */
final class DriverHandover {
    private static final System.Logger LOG = System.getLogger(DriverHandover.class.getName());
    static final Duration READY = Duration.ofSeconds(15);
    private static final long POLL_MILLIS = 50;

    private final PartitionManagerImpl kernel;

    DriverHandover(PartitionManagerImpl kernel) {
        this.kernel = kernel;
    }

    void run(FirmwareDriver outgoing, FirmwareDriver incoming) {
        for (PartitionInfo partition : kernel.list()) {
            if (partition.state() == PartitionState.ACTIVE) {
                handOver(partition, outgoing, incoming);
            }
        }
    }

    private void handOver(PartitionInfo partition, FirmwareDriver outgoing, FirmwareDriver incoming) {
        String name = partition.name();
        String from = outgoing.name() + "/" + partition.node();
        Optional<String> target = target(incoming, partition.node());
        if (target.isEmpty()) {
            LOG.log(Level.ERROR, "firmware handover: " + name + " stays on " + from + ": the " + incoming.name()
                    + " firmware has no node up within " + READY.toSeconds() + " s; it ends when " + outgoing.name() + " stops");
            return;
        }
        String to = incoming.name() + "/" + target.get();
        CheckpointResult image;
        try {
            image = kernel.checkpoint(name, new CheckpointOptions(Optional.empty(), true,
                    Map.of("kind", "handover", "from", from, "to", to), ProgressListener.NONE));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "firmware handover: " + name + " stays on " + from + ", its checkpoint failed: " + e.getMessage());
            return;
        }
        try {
            RestartResult restarted = kernel.restart(image.image().id(),
                    new RestartOptions(target, Optional.empty(), ProgressListener.NONE));
            LOG.log(Level.INFO, "firmware handover: " + name + " moved from " + from + " to " + to + " through image "
                    + image.image().id() + " (" + restarted.processes() + " process(es) resumed, frozen "
                    + image.freezeTime().toMillis() + " ms)");
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "firmware handover: " + name + " was checkpointed on " + from + " to " + image.image().id()
                    + " but could not be restarted on " + to + ": " + e.getMessage() + "; restart it with partition:restart "
                    + image.image().id());
        }
    }

    /** The incoming driver's node for a partition of {@code node}, once the driver has a node up. */
    private static Optional<String> target(FirmwareDriver incoming, String node) {
        long end = System.nanoTime() + READY.toNanos();
        while (true) {
            Optional<String> same = Optional.empty();
            Optional<String> any = Optional.empty();
            for (NodeInfo info : incoming.nodes()) {
                if (info.state() == NodeState.UP) {
                    same = info.name().equals(node) ? Optional.of(node) : same;
                    any = any.isEmpty() ? Optional.of(info.name()) : any;
                }
            }
            if (same.isPresent()) {
                return same;
            }
            if (any.isPresent() && System.nanoTime() - end > 0) {
                return any;
            }
            if (System.nanoTime() - end > 0) {
                return Optional.empty();
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return any;
            }
        }
    }
}
