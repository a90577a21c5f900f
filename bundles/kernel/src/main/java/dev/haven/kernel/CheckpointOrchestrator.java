package dev.haven.kernel;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.haven.api.checkpoint.CheckpointContext;
import dev.haven.api.checkpoint.CheckpointException;
import dev.haven.api.checkpoint.CheckpointException.Reason;
import dev.haven.api.checkpoint.CheckpointOptions;
import dev.haven.api.checkpoint.CheckpointParticipant;
import dev.haven.api.checkpoint.CheckpointResult;
import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.ImageHeader;
import dev.haven.api.checkpoint.ImageInfo;
import dev.haven.api.checkpoint.ImageReader;
import dev.haven.api.checkpoint.ImageStore;
import dev.haven.api.checkpoint.ImageWriter;
import dev.haven.api.checkpoint.MigrationOptions;
import dev.haven.api.checkpoint.MigrationResult;
import dev.haven.api.checkpoint.ProgressListener;
import dev.haven.api.checkpoint.RestartOptions;
import dev.haven.api.checkpoint.RestartResult;
import dev.haven.api.checkpoint.SectionInfo;
import dev.haven.api.checkpoint.SectionOutput;
import dev.haven.api.checkpoint.RestoreContext;
import dev.haven.api.firmware.FirmwareDriver;
import dev.haven.api.firmware.FirmwareException;
import dev.haven.api.firmware.Lease;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.partition.PartitionException;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.PartitionState;
import dev.haven.api.partition.ProcessStatus;
import dev.haven.api.workload.Workload;

/**
 * Checkpoint, restart and migration over the participant whiteboard (DESIGN.md "the flows that
 * matter"). It knows nothing of any kind of kernel object: each participant writes and reads its
 * own section. Operations on one partition hold the manager's operation monitor throughout.
 */
final class CheckpointOrchestrator {
    /** The container format this runtime writes; the image bundle checks what it can read. */
    static final int FORMAT_VERSION = 1;

    private final PartitionManagerImpl manager;
    private final ProcessesParticipant processes;
    private final Supplier<List<CheckpointParticipant>> whiteboard;
    private final Supplier<Optional<ImageStore>> store;
    private final Supplier<Optional<FirmwareDriver>> firmware;
    private final Duration freezeTimeout;

    CheckpointOrchestrator(PartitionManagerImpl manager, Supplier<List<CheckpointParticipant>> whiteboard,
            Supplier<Optional<ImageStore>> store, Supplier<Optional<FirmwareDriver>> firmware, Duration freezeTimeout) {
        this.manager = manager;
        this.processes = new ProcessesParticipant(manager);
        this.whiteboard = whiteboard;
        this.store = store;
        this.firmware = firmware;
        this.freezeTimeout = freezeTimeout;
    }

    // ---- checkpoint

    CheckpointResult checkpoint(String name, CheckpointOptions options) {
        synchronized (manager.operation(name)) {
            Partition partition = active(name);
            Instant begin = Instant.now();
            Frozen frozen = freeze(partition);
            ImageInfo image;
            try {
                image = write(partition, options.directory(), options.attributes(), options.progress(), LiveCopy.none());
            } catch (RuntimeException e) {
                thaw(partition, frozen);
                throw e;
            }
            if (options.stop()) {
                manager.halt(partition, ProcessStatus.CHECKPOINTED);
                partition.gate().thaw();
                manager.persist(partition, PartitionState.STOPPED, Optional.empty());
                manager.publish(partition.transition(PartitionState.STOPPED, "checkpointed to " + image.id()));
            } else {
                thaw(partition, frozen);
            }
            Instant end = Instant.now();
            return new CheckpointResult(image, Duration.between(frozen.at, end), Duration.between(begin, end));
        }
    }

    private Partition active(String name) {
        Partition partition;
        try {
            partition = manager.require(name);
        } catch (PartitionException e) {
            throw new CheckpointException(Reason.UNKNOWN_PARTITION, e.getMessage());
        }
        if (partition.state() != PartitionState.ACTIVE || !partition.leaseValid()) {
            throw new CheckpointException(Reason.WRONG_STATE,
                    "partition '" + name + "' is " + manager.get(name).orElseThrow().state() + ", not ACTIVE");
        }
        if (!partition.spec().checkpointable()) {
            throw new CheckpointException(Reason.NOT_CHECKPOINTABLE,
                    "partition '" + name + "' was created without checkpoint support");
        }
        return partition;
    }

    private record Frozen(Instant at) {
    }

    private Frozen freeze(Partition partition) {
        Instant at = Instant.now();
        manager.publish(partition.transition(PartitionState.FROZEN, "checkpoint"));
        Map<KernelProcess, String> holders = partition.gate().freeze(freezeTimeout);
        if (!holders.isEmpty()) {
            manager.publish(partition.transition(PartitionState.ACTIVE, null));
            String who = holders.entrySet().stream()
                    .map(e -> "process " + e.getKey().vpid() + " (" + e.getKey().workload() + ") in " + e.getValue())
                    .collect(Collectors.joining(", "));
            throw new CheckpointException(Reason.FREEZE_TIMEOUT, "partition '" + partition.name()
                    + "' did not reach its safe points within " + freezeTimeout.toMillis() + " ms: " + who
                    + " held it; it was thawed unchanged");
        }
        return new Frozen(at);
    }

    private void thaw(Partition partition, Frozen frozen) {
        partition.gate().thaw();
        if (partition.state() == PartitionState.FROZEN) {
            manager.publish(partition.transition(PartitionState.ACTIVE, null));
        }
    }

    /** Writes every participant's section of the frozen partition and commits the image. */
    private ImageInfo write(Partition partition, Optional<Path> directory, Map<String, String> attributes,
            ProgressListener progress, LiveCopy live) {
        ImageStore images = requireStore();
        List<CheckpointParticipant> participants = ordered(true);
        CheckpointContext context = new CheckpointContext(partition.name(), partition.node(), partition.spec(), Instant.now());
        for (CheckpointParticipant participant : participants) {
            Optional<String> veto = participant.veto(context);
            if (veto.isPresent()) {
                throw new CheckpointException(Reason.VETOED, "checkpoint of '" + partition.name() + "' denied by "
                        + participant.section() + ": " + veto.get());
            }
        }
        ImageHeader header = new ImageHeader(FORMAT_VERSION, partition.name(), partition.spec(), partition.node(),
                context.at(), attributes);
        try (ImageWriter writer = directory.isPresent() ? images.create(header, directory.get()) : images.create(header)) {
            AtomicReference<String> phase = new AtomicReference<>("write");
            try (ProgressTicker ticker = ProgressTicker.start(() -> progress.progress(phase.get(), writer.written(), -1))) {
                for (CheckpointParticipant participant : participants) {
                    phase.set("write " + participant.section());
                    SectionOutput out = writer.section(participant.section(), participant.version());
                    if (live.owns(participant.section())) {
                        live.finish(participant.section(), context, out);
                    } else {
                        participant.checkpoint(context, out);
                    }
                }
            }
            if (!partition.leaseValid()) {
                throw new CheckpointException(Reason.FAILED, "partition '" + partition.name()
                        + "' lost its node during the checkpoint; no image was committed");
            }
            ImageInfo image = writer.commit();
            progress.progress("commit", image.size(), image.size());
            return image;
        } catch (IOException e) {
            throw new CheckpointException(Reason.FAILED, "checkpoint of '" + partition.name() + "' failed: "
                    + e.getMessage() + "; no image was committed", e);
        }
    }

    // ---- restart

    RestartResult restart(String ref, RestartOptions options) {
        Instant begin = Instant.now();
        ImageStore images = requireStore();
        try (ImageReader reader = open(images, ref)) {
            ImageInfo image = reader.info();
            String name = options.name().orElse(image.header().partition());
            synchronized (manager.operation(name)) {
                String node = options.node().orElse(image.header().sourceNode());
                Partition partition = restore(reader, name, node, options.progress());
                int resumed = resume(partition);
                return new RestartResult(manager.get(name).orElseThrow(), image, resumed, Duration.between(begin, Instant.now()));
            }
        } catch (IOException e) {
            throw new CheckpointException(Reason.IMAGE_INVALID, "image " + ref + ": " + e.getMessage(), e);
        }
    }

    /** Opens an image by id or path, or the newest image of a partition given by name. */
    private ImageReader open(ImageStore images, String ref) {
        try {
            try {
                return images.open(ref);
            } catch (ImageException e) {
                Optional<ImageInfo> latest = e.reason() == ImageException.Reason.NOT_FOUND ? images.latest(ref) : Optional.empty();
                if (latest.isEmpty()) {
                    throw e;
                }
                return images.open(latest.get().id());
            }
        } catch (IOException e) {
            throw new CheckpointException(Reason.IMAGE_INVALID, e.getMessage(), e);
        }
    }

    /**
     * Creates or reuses the partition's definition, takes a lease on the target node and lets every
     * participant restore its section. On failure everything restored is discarded, the lease given
     * back, and a definition created here removed.
     */
    private Partition restore(ImageReader reader, String name, String node, ProgressListener progress) throws IOException {
        ImageInfo image = reader.info();
        List<CheckpointParticipant> participants = readersFor(image);
        FirmwareDriver driver = firmware.get().orElseThrow(
                () -> new CheckpointException(Reason.FAILED, "no firmware driver is installed"));
        Names.checkPartition(name);
        Optional<Partition> existing = manager.find(name);
        if (existing.isPresent() && manager.get(name).orElseThrow().state().running()) {
            throw new CheckpointException(Reason.WRONG_STATE, "partition '" + name + "' is running on "
                    + existing.get().node() + "; stop it first or restart under another name with --name");
        }
        Lease lease;
        try {
            lease = driver.host(name, node);
        } catch (FirmwareException e) {
            Reason reason = switch (e.reason()) {
                case UNKNOWN_NODE -> Reason.UNKNOWN_NODE;
                case NODE_DOWN -> Reason.NODE_DOWN;
                default -> Reason.FAILED;
            };
            throw new CheckpointException(reason, "cannot restart '" + name + "' on " + node + ": " + e.getMessage(), e);
        }
        PartitionSpec spec = image.header().spec();
        Partition partition = existing.orElseGet(() -> manager.adopt(name, node, spec));
        String previousNode = partition.node();
        PartitionSpec previousSpec = partition.spec();
        List<CheckpointParticipant> restored = new ArrayList<>();
        RestoreContext context = null;
        try {
            NodeKernel kernel = driver.kernel(node);
            partition.relocate(node, spec);
            partition.attach(lease, kernel);
            context = new RestoreContext(name, image.header(), node, kernel, spec);
            long total = image.sections().stream().mapToLong(SectionInfo::length).sum();
            long done = 0;
            for (CheckpointParticipant participant : participants) {
                SectionInfo section = section(image, participant.section());
                restored.add(participant);
                participant.restore(context, section.version(), reader.section(section.name()));
                done += section.length();
                progress.progress("read " + section.name(), done, total);
            }
            manager.persist(partition, PartitionState.ACTIVE, Optional.empty());
            return partition;
        } catch (IOException | RuntimeException e) {
            for (CheckpointParticipant participant : restored) {
                if (context != null) {
                    participant.discard(context);
                }
            }
            partition.detach();
            lease.release();
            partition.relocate(previousNode, previousSpec);
            if (existing.isEmpty()) {
                manager.forget(name);
            }
            if (e instanceof ImageException damaged) {
                throw new CheckpointException(Reason.IMAGE_INVALID, "image " + image.id() + ": " + damaged.getMessage(), e);
            }
            if (e instanceof CheckpointException checkpoint) {
                throw checkpoint;
            }
            throw new CheckpointException(Reason.FAILED, "restart of '" + name + "' from " + image.id() + " failed: "
                    + e.getMessage() + "; nothing was left behind", e);
        }
    }

    /** The participants that restore this image, in order; every section must have one that can read it. */
    private List<CheckpointParticipant> readersFor(ImageInfo image) {
        Map<String, CheckpointParticipant> bySection = new HashMap<>();
        for (CheckpointParticipant participant : ordered(false)) {
            bySection.put(participant.section(), participant);
        }
        for (SectionInfo section : image.sections()) {
            CheckpointParticipant participant = bySection.get(section.name());
            if (participant == null) {
                throw new CheckpointException(Reason.IMAGE_INVALID, "image " + image.id() + " has a section '"
                        + section.name() + "' that no installed participant restores");
            }
            if (!participant.canRead(section.version())) {
                throw new CheckpointException(Reason.IMAGE_INVALID, "image " + image.id() + ": section '" + section.name()
                        + "' is version " + section.version() + ", which its participant (version " + participant.version()
                        + ") cannot read");
            }
        }
        Set<String> present = image.sections().stream().map(SectionInfo::name).collect(Collectors.toSet());
        return ordered(false).stream().filter(participant -> present.contains(participant.section())).toList();
    }

    private static SectionInfo section(ImageInfo image, String name) {
        return image.sections().stream().filter(section -> section.name().equals(name)).findFirst().orElseThrow();
    }

    /** Starts the restored processes that were running; the partition becomes active. */
    private int resume(Partition partition) {
        int resumed = 0;
        for (KernelProcess process : partition.liveProcesses()) {
            Workload workload = manager.workload(process.workload()).orElse(null);
            if (workload == null) {
                process.ended(ProcessStatus.CRASHED, null, "workload '" + process.workload() + "' is not installed here");
                continue;
            }
            manager.launch(process, workload);
            resumed++;
        }
        manager.publish(partition.transition(PartitionState.ACTIVE, null));
        return resumed;
    }

    // ---- migration

    MigrationResult migrate(String name, String node, MigrationOptions options) {
        ProgressListener progress = options.progress();
        synchronized (manager.operation(name)) {
            Partition partition = active(name);
            String from = partition.node();
            if (from.equals(node)) {
                throw new CheckpointException(Reason.WRONG_STATE, "partition '" + name + "' already runs on " + node);
            }
            FirmwareDriver driver = firmware.get().orElseThrow(
                    () -> new CheckpointException(Reason.FAILED, "no firmware driver is installed"));
            if (driver.nodes().stream().noneMatch(info -> info.name().equals(node))) {
                throw new CheckpointException(Reason.UNKNOWN_NODE, "no node named '" + node + "'");
            }
            Instant begin = Instant.now();
            try (LiveCopy live = options.live() ? LiveCopy.start(context(partition), ordered(true)) : LiveCopy.none()) {
                live.converge(name, progress);
                return migrate(partition, node, from, progress, live, begin);
            }
        }
    }

    /**
     * Freeze, write, stop at the source, restart on the target. A live image refers to copies that end
     * with the migration, so it goes outside the store and is deleted once the target runs.
     */
    private MigrationResult migrate(Partition partition, String node, String from, ProgressListener progress, LiveCopy live,
            Instant begin) {
        String name = partition.name();
        Optional<Path> directory = live.directory();
        Frozen frozen = freeze(partition);
        ImageInfo image;
        try {
            image = write(partition, directory, Map.of("kind", live.live() ? "live-migration" : "migration",
                    "target", node), progress, live);
        } catch (RuntimeException e) {
            thaw(partition, frozen);
            throw e;
        }
        // The source instance ends here; from now on the image is the partition.
        manager.halt(partition, ProcessStatus.CHECKPOINTED);
        partition.gate().thaw();
        manager.publish(partition.transition(PartitionState.STOPPED, "migrating to " + node));
        ImageStore images = requireStore();
        try {
            startFrom(images, image, name, node, progress);
        } catch (CheckpointException failure) {
            try {
                startFrom(images, image, name, from, ProgressListener.NONE);
            } catch (RuntimeException rollback) {
                manager.fail(partition, "migration to " + node + " failed (" + failure.getMessage()
                        + ") and so did the restart on " + from + " (" + rollback.getMessage() + ")");
                failure.addSuppressed(rollback);
                throw failure;
            }
            throw new CheckpointException(failure.reason(), "migration of '" + name + "' to " + node + " failed: "
                    + failure.getMessage() + "; it runs on " + from + " again", failure);
        }
        Instant end = Instant.now();
        return new MigrationResult(name, from, node, image, Duration.between(frozen.at, end), Duration.between(begin, end),
                live.report());
    }

    private static CheckpointContext context(Partition partition) {
        return new CheckpointContext(partition.name(), partition.node(), partition.spec(), Instant.now());
    }

    private void startFrom(ImageStore images, ImageInfo image, String name, String node, ProgressListener progress) {
        try (ImageReader reader = images.open(image.path().toString())) {
            resume(restore(reader, name, node, progress));
        } catch (IOException e) {
            throw new CheckpointException(Reason.IMAGE_INVALID, "image " + image.id() + ": " + e.getMessage(), e);
        }
    }

    // ---- participants

    private ImageStore requireStore() {
        return store.get().orElseThrow(() -> new CheckpointException(Reason.NO_IMAGE_STORE, "no image store is installed"));
    }

    /**
     * The processes section first (so a checkpoint records the table before anything else), then the
     * whiteboard participants sorted so that each comes after the sections it must be restored after.
     */
    private List<CheckpointParticipant> ordered(boolean forCheckpoint) {
        Map<String, CheckpointParticipant> bySection = new TreeMap<>();
        for (CheckpointParticipant participant : whiteboard.get()) {
            bySection.putIfAbsent(participant.section(), participant);
        }
        bySection.remove(ProcessesParticipant.SECTION);
        List<CheckpointParticipant> sorted = new ArrayList<>();
        sorted.add(processes);
        Map<String, Integer> state = new HashMap<>();
        for (String section : bySection.keySet()) {
            visit(section, bySection, state, sorted, new ArrayDeque<>());
        }
        return sorted;
    }

    private static void visit(String section, Map<String, CheckpointParticipant> bySection, Map<String, Integer> state,
            List<CheckpointParticipant> sorted, Deque<String> path) {
        CheckpointParticipant participant = bySection.get(section);
        if (participant == null || state.getOrDefault(section, 0) == 2) {
            return;
        }
        path.push(section);
        if (state.getOrDefault(section, 0) == 1) {
            throw new CheckpointException(Reason.FAILED, "checkpoint participants depend on each other in a cycle: " + path);
        }
        state.put(section, 1);
        participant.restoreAfter().stream().sorted(Comparator.naturalOrder())
                .forEach(before -> visit(before, bySection, state, sorted, path));
        state.put(section, 2);
        sorted.add(participant);
        path.pop();
    }
}
