package dev.haven.ha;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.haven.api.accounting.UsageSink;
import dev.haven.api.checkpoint.CheckpointOptions;
import dev.haven.api.checkpoint.CheckpointService;
import dev.haven.api.checkpoint.ImageInfo;
import dev.haven.api.checkpoint.ImageStore;
import dev.haven.api.checkpoint.ProgressListener;
import dev.haven.api.checkpoint.RestartOptions;
import dev.haven.api.firmware.FirmwareDriver;
import dev.haven.api.firmware.NodeInfo;
import dev.haven.api.firmware.NodeState;
import dev.haven.api.ha.HaEvent;
import dev.haven.api.ha.HaEvent.Kind;
import dev.haven.api.ha.HaManager;
import dev.haven.api.ha.HaPolicy;
import dev.haven.api.ha.HaStatus;
import dev.haven.api.partition.PartitionEvent;
import dev.haven.api.partition.PartitionInfo;
import dev.haven.api.partition.PartitionListener;
import dev.haven.api.partition.PartitionManager;
import dev.haven.api.partition.PartitionState;
import dev.haven.api.partition.ProcessInfo;
import dev.haven.api.partition.ProcessStatus;

/**
 * The HA manager of US8135985 on one runtime. Its {@link PartitionListener} is registered by hand once
 * it is active, not declared to DS: declared, the kernel would bind it while this component is still
 * getting the kernel, and SCR would report the cycle and bind it later. Failures are seen as partitions turning BROKEN (the kernel
 * turns a node failure or a lost lease into that); recoveries run one at a time on the manager's own
 * thread, never on the thread that reported the failure. Per-partition state lives in {@link Track}s,
 * each guarded by its own monitor.
 */
@Component(immediate = true, service = HaManager.class)
public final class HaManagerImpl implements HaManager, PartitionListener {
    private static final System.Logger LOG = System.getLogger(HaManagerImpl.class.getName());

    /** What HA knows of one partition. Guarded by its monitor. */
    private static final class Track {
        HaPolicy policy;
        int step;
        Instant lastRecoveryAt;
        Instant lastFailure;
        Duration lastRecovery;
        ScheduledFuture<?> checkpoints;
        ScheduledFuture<?> monitor;
        long lastBeat = -1;
        int missed;
        /** Set while HA itself restarts the partition, so its own state changes are not failures. */
        boolean recovering;

        Track(HaPolicy policy) {
            this.policy = policy;
        }
    }

    private final PartitionManager partitions;
    private final CheckpointService checkpoints;
    private final ImageStore images;
    private final Path home;
    private final HaLog log;
    private final Map<String, Track> tracks = new ConcurrentHashMap<>();
    private final ScheduledExecutorService worker = daemon("haven-ha");
    private final ScheduledExecutorService monitor = daemon("haven-ha-heartbeat");

    private static ScheduledExecutorService daemon(String name) {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile FirmwareDriver firmware;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile UsageSink usage;

    private ServiceRegistration<PartitionListener> listener;

    @Activate
    public HaManagerImpl(BundleContext context, @Reference PartitionManager partitions, @Reference CheckpointService checkpoints,
            @Reference ImageStore images) {
        this(home(context), partitions, checkpoints, images);
        listener = context.registerService(PartitionListener.class, this, null);
    }

    HaManagerImpl(Path home, PartitionManager partitions, CheckpointService checkpoints, ImageStore images) {
        this.partitions = partitions;
        this.checkpoints = checkpoints;
        this.images = images;
        this.home = home.resolve("ha");
        this.log = new HaLog(this.home.resolve("events.log"));
        for (Map.Entry<String, HaPolicy> saved : PolicyFiles.loadAll(this.home.resolve("policies")).entrySet()) {
            Track track = new Track(saved.getValue());
            tracks.put(saved.getKey(), track);
            if (track.policy.enabled()) {
                schedule(saved.getKey(), track);
            }
        }
    }

    void setFirmware(FirmwareDriver driver) {
        this.firmware = driver;
    }

    private static Path home(BundleContext context) {
        String configured = context.getProperty("haven.home");
        return Path.of(configured == null || configured.isBlank() ? "var" : configured).toAbsolutePath();
    }

    @Deactivate
    void deactivate() {
        if (listener != null) {
            listener.unregister();
        }
        worker.shutdownNow();
        monitor.shutdownNow();
    }

    // ---- HaManager

    @Override
    public HaPolicy policy(String partition, HaPolicy policy) {
        PartitionInfo info = partitions.get(partition)
                .orElseThrow(() -> new IllegalArgumentException("no partition named '" + partition + "'"));
        List<String> known = nodes().stream().map(NodeInfo::name).toList();
        for (String node : concat(policy.cfiNodes(), policy.bfiNodes())) {
            if (!known.contains(node)) {
                throw new IllegalArgumentException("no node named '" + node + "'; the nodes are " + known);
            }
        }
        List<String> workloads = partitions.workloads();
        for (String workload : policy.critical().stream().sorted().toList()) {
            if (!workloads.contains(workload)) {
                throw new IllegalArgumentException("no workload named '" + workload + "' to be critical; the workloads are "
                        + workloads);
            }
        }
        if (!info.spec().checkpointable()) {
            throw new IllegalArgumentException("partition '" + partition + "' was created without checkpoint support");
        }
        Track track = tracks.computeIfAbsent(partition, name -> new Track(policy));
        HaPolicy kept;
        synchronized (track) {
            kept = policy.withEnabled(track.policy.enabled() && track.checkpoints != null);
            track.policy = kept;
            PolicyFiles.save(home.resolve("policies"), partition, kept);
            if (kept.enabled()) {
                schedule(partition, track);
            }
        }
        log.add(partition, Kind.POLICY, "CFI " + policy.cfiNodes() + ", BFI " + policy.bfiNodes() + ", window "
                + policy.window() + ", consistency image every " + policy.checkpointEvery() + ", keep " + policy.keep()
                + (policy.critical().isEmpty() ? "" : ", critical " + policy.critical().stream().sorted().toList()));
        return kept;
    }

    @Override
    public void enable(String partition) {
        Track track = require(partition);
        synchronized (track) {
            track.policy = track.policy.withEnabled(true);
            PolicyFiles.save(home.resolve("policies"), partition, track.policy);
            schedule(partition, track);
        }
        log.add(partition, Kind.ENABLED, "failures of " + partition + " are acted on");
        worker.execute(() -> captureBootImageIfMissing(partition));
    }

    @Override
    public void disable(String partition) {
        Track track = require(partition);
        synchronized (track) {
            track.policy = track.policy.withEnabled(false);
            PolicyFiles.save(home.resolve("policies"), partition, track.policy);
            cancel(track);
        }
        log.add(partition, Kind.DISABLED, "failures of " + partition + " are no longer acted on");
    }

    @Override
    public List<HaStatus> status() {
        List<HaStatus> statuses = new ArrayList<>();
        tracks.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            Track track = entry.getValue();
            synchronized (track) {
                statuses.add(new HaStatus(entry.getKey(), track.policy, track.step,
                        latestConsistencyImage(entry.getKey()).map(ImageInfo::id),
                        bootImage(entry.getKey()).map(path -> path.getFileName().toString()),
                        Optional.ofNullable(track.lastFailure), Optional.ofNullable(track.lastRecovery)));
            }
        });
        return statuses;
    }

    @Override
    public List<HaEvent> events(Optional<String> partition) {
        return log.events(partition);
    }

    // ---- PartitionListener: failure detection

    @Override
    public void partitionChanged(PartitionEvent event) {
        Track track = tracks.get(event.partition());
        if (track == null) {
            return;
        }
        PartitionState to = event.to().orElse(null);
        synchronized (track) {
            if (!track.policy.enabled() || track.recovering) {
                return;
            }
        }
        if (to == PartitionState.BROKEN) {
            Instant detected = Instant.now();
            String reason = event.reason().orElse("it failed");
            worker.execute(() -> recover(event.partition(), event.node(), reason, detected, () -> log.add(event.partition(),
                    Kind.FENCED, "its instance on " + event.node() + " is dead: the firmware ended its lease")));
        } else if (to == PartitionState.ACTIVE) {
            worker.execute(() -> captureBootImageIfMissing(event.partition()));
        }
    }

    // ---- the ladder

    /** Climbs the ladder for one failure; {@code fence} makes sure the failed instance is dead and says how. */
    private void recover(String partition, String node, String reason, Instant detected, Runnable fence) {
        Track track = tracks.get(partition);
        int step;
        HaPolicy policy;
        synchronized (track) {
            if (!track.policy.enabled()) {
                return;
            }
            policy = track.policy;
            step = Ladder.step(track.lastRecoveryAt, track.step, detected, policy.window());
            track.lastFailure = detected;
            track.recovering = true;
        }
        try {
            log.add(partition, Kind.FAILURE, partition + " failed on " + node + ": " + reason
                    + (step > 1 ? " (within " + policy.window() + " of its last recovery)" : ""));
            fence.run();
            while (true) {
                if (step >= 3) {
                    synchronized (track) {
                        track.step = 3;
                    }
                    String verdict = "it failed again within the window after its boot image";
                    if (partitions.get(partition).map(PartitionInfo::state).orElse(null) != PartitionState.BROKEN) {
                        partitions.markBroken(partition, "HA gave up: " + verdict);
                    }
                    log.add(partition, Kind.BROKEN, partition + " is left broken: " + verdict);
                    log.add(partition, Kind.ALERT, "operator action needed for " + partition);
                    return;
                }
                List<String> candidates = step == 1 ? policy.cfiNodes() : policy.bfiNodes();
                Optional<String> target = firstHealthy(candidates);
                Optional<String> image = step == 1 ? latestConsistencyImage(partition).map(info -> info.path().toString())
                        : bootImage(partition).map(Path::toString);
                String rule = step == 1 ? "consistency image on a CFI node" : "boot image on a BFI node";
                if (target.isEmpty() || image.isEmpty()) {
                    log.add(partition, Kind.SKIPPED, "cannot use the " + rule + ": " + (target.isEmpty()
                            ? "no healthy node among " + candidates : "no " + (step == 1 ? "consistency" : "boot") + " image"));
                    step++;
                    continue;
                }
                try {
                    checkpoints.restart(image.get(), new RestartOptions(target, Optional.empty(), ProgressListener.NONE));
                } catch (RuntimeException e) {
                    log.add(partition, Kind.SKIPPED, "the " + rule + " failed: " + e.getMessage());
                    step++;
                    continue;
                }
                // the target may have died while the image was restored onto it
                Optional<PartitionInfo> restarted = partitions.get(partition);
                if (restarted.isEmpty() || restarted.get().state() != PartitionState.ACTIVE) {
                    log.add(partition, Kind.SKIPPED, "the " + rule + " failed: " + partition + " is "
                            + restarted.map(info -> info.state() + info.reason().map(why -> " (" + why + ")").orElse(""))
                                    .orElse("gone") + " right after its restart on " + target.get());
                    step++;
                    continue;
                }
                Instant active = Instant.now();
                synchronized (track) {
                    track.step = step;
                    track.lastRecoveryAt = active;
                    track.lastRecovery = Duration.between(detected, active);
                }
                log.add(partition, step == 1 ? Kind.RESTART_CFI : Kind.RESTART_BFI, "restarted on " + target.get() + " from "
                        + Path.of(image.get()).getFileName());
                log.add(partition, Kind.RECOVERED, partition + " is active on " + target.get() + ", "
                        + Duration.between(detected, active).toMillis() + " ms after the failure was detected");
                UsageSink accounting = usage;
                if (accounting != null) {
                    accounting.failedOver(partition);
                }
                return;
            }
        } finally {
            afterRecovery(partition, track);
        }
    }

    /**
     * Ends a recovery. Failures reported while it ran were ignored, as HA's own state changes are; one of
     * the restored instance (its new node crashed during or right after the restart) left the partition
     * BROKEN, so it is looked at here, under the same monitor the listener checks, so that exactly one of
     * the two acts on it.
     */
    private void afterRecovery(String partition, Track track) {
        Optional<PartitionInfo> info = partitions.get(partition);
        synchronized (track) {
            track.recovering = false;
            if (track.step >= 3 || !track.policy.enabled() || info.isEmpty() || info.get().state() != PartitionState.BROKEN) {
                return;
            }
            track.recovering = true;
        }
        Instant detected = Instant.now();
        String node = info.get().node();
        String reason = info.get().reason().orElse("it failed") + ", while HA was recovering it";
        worker.execute(() -> recover(partition, node, reason, detected, () -> log.add(partition, Kind.FENCED,
                "its instance on " + node + " is dead: the firmware ended its lease")));
    }

    private Optional<String> firstHealthy(List<String> candidates) {
        List<NodeInfo> nodes = nodes();
        return candidates.stream().filter(name -> nodes.stream()
                .anyMatch(node -> node.name().equals(name) && node.state() == NodeState.UP)).findFirst();
    }

    private List<NodeInfo> nodes() {
        FirmwareDriver driver = firmware;
        return driver == null ? List.of() : driver.nodes();
    }

    // ---- images

    private void schedule(String partition, Track track) {
        cancel(track);
        long period = track.policy.checkpointEvery().toMillis();
        track.checkpoints = worker.scheduleWithFixedDelay(() -> consistencyImage(partition), period, period,
                TimeUnit.MILLISECONDS);
        long beat = track.policy.heartbeat().toMillis();
        track.monitor = monitor.scheduleWithFixedDelay(() -> heartbeat(partition), beat, beat, TimeUnit.MILLISECONDS);
    }

    private static void cancel(Track track) {
        if (track.checkpoints != null) {
            track.checkpoints.cancel(false);
            track.checkpoints = null;
        }
        if (track.monitor != null) {
            track.monitor.cancel(false);
            track.monitor = null;
        }
        track.lastBeat = -1;
        track.missed = 0;
    }

    /**
     * The partition monitor, on its own thread so that a recovery in progress cannot hide a failure of
     * another partition. Each look finds a partition failure (a critical process crashed or was killed,
     * or every process ended abnormally) or a hang: live processes whose heartbeat has not moved for
     * {@code missedBeats} looks.
     */
    private void heartbeat(String partition) {
        Track track = tracks.get(partition);
        Optional<PartitionInfo> info = partitions.get(partition);
        if (track == null || info.isEmpty() || info.get().state() != PartitionState.ACTIVE) {
            return;
        }
        HaPolicy policy;
        synchronized (track) {
            policy = track.policy;
        }
        Optional<String> failure = failure(partitions.processes(partition), policy.critical());
        long beat = partitions.kernelCalls(partition);
        boolean hung = false;
        synchronized (track) {
            if (!track.policy.enabled() || track.recovering) {
                return;
            }
            if (failure.isEmpty() && info.get().processes() > 0) {
                track.missed = beat == track.lastBeat ? track.missed + 1 : 0;
                track.lastBeat = beat;
                hung = track.missed >= track.policy.missedBeats();
            }
            if (failure.isEmpty() && !hung) {
                return;
            }
            track.missed = 0;
            track.recovering = true;
        }
        Instant detected = Instant.now();
        String node = info.get().node();
        String reason = failure.orElse("hung: no kernel call for " + policy.heartbeat().toMillis() * policy.missedBeats()
                + " ms while its processes live");
        String instance = failure.isPresent() ? "failed" : "hung";
        worker.execute(() -> recover(partition, node, reason, detected, () -> {
            try {
                partitions.stop(partition);
                log.add(partition, Kind.FENCED, instance + " instance on " + node + " stopped; its lease is given back");
            } catch (RuntimeException e) {
                log.add(partition, Kind.FENCED, instance + " instance on " + node + " could not be stopped cleanly ("
                        + e.getMessage() + "); its lease is released, so it can make no kernel call");
            }
        }));
    }

    /**
     * Why a partition with these processes has failed, if it has: a process of a critical workload ended
     * by a crash or a kill, or there are processes and every one of them ended abnormally (crashed,
     * killed, lost, or exited with a non-zero status). A checkpoint that stopped a process is no failure.
     */
    static Optional<String> failure(List<ProcessInfo> processes, Set<String> critical) {
        for (ProcessInfo process : processes) {
            if (critical.contains(process.workload())
                    && (process.status() == ProcessStatus.CRASHED || process.status() == ProcessStatus.KILLED)) {
                return Optional.of("critical process " + process.vpid() + " (" + process.workload() + ") "
                        + process.status().name().toLowerCase(Locale.ROOT)
                        + process.error().map(error -> ": " + error).orElse(""));
            }
        }
        if (!processes.isEmpty() && processes.stream().allMatch(HaManagerImpl::endedAbnormally)) {
            return Optional.of("all its " + processes.size() + " processes ended abnormally ("
                    + processes.stream().map(process -> process.vpid() + " " + describe(process))
                            .collect(Collectors.joining(", ")) + ")");
        }
        return Optional.empty();
    }

    private static boolean endedAbnormally(ProcessInfo process) {
        return switch (process.status()) {
            case CRASHED, KILLED, LOST -> true;
            case EXITED -> process.exitStatus().orElse(0) != 0;
            case RUNNING, CHECKPOINTED -> false;
        };
    }

    private static String describe(ProcessInfo process) {
        String status = process.status().name().toLowerCase(Locale.ROOT);
        return process.status() == ProcessStatus.EXITED ? status + " " + process.exitStatus().orElse(0) : status;
    }

    private void consistencyImage(String partition) {
        Track track = tracks.get(partition);
        int keep;
        synchronized (track) {
            if (!track.policy.enabled() || track.recovering) {
                return;
            }
            keep = track.policy.keep();
        }
        if (partitions.get(partition).map(PartitionInfo::state).orElse(null) != PartitionState.ACTIVE || failed(partition)) {
            return;
        }
        try {
            var result = checkpoints.checkpoint(partition, new CheckpointOptions(Optional.empty(), false,
                    Map.of("kind", "consistency"), ProgressListener.NONE));
            if (caughtFailing(partition)) {
                images.remove(result.image().id());
                return;
            }
            List<ImageInfo> consistency = consistencyImages(partition);
            for (ImageInfo old : consistency.subList(Math.min(keep, consistency.size()), consistency.size())) {
                images.remove(old.id());
            }
        } catch (RuntimeException | IOException e) {
            // a failed periodic checkpoint is not a failure of the partition; the next one may succeed
            LOG.log(Level.WARNING, "consistency image of " + partition + " failed: " + e.getMessage());
        }
    }

    /**
     * Whether a consistency image just taken may hold the partition's own failure, so that restoring it would
     * only fail again. An instance that died with its node (its processes LOST, the partition BROKEN, in
     * whichever order the kernel reports them) was whole when it was frozen: its image is kept.
     */
    private boolean caughtFailing(String partition) {
        List<ProcessInfo> processes = partitions.processes(partition);
        boolean nodeDied = processes.stream().anyMatch(process -> process.status() == ProcessStatus.LOST)
                || partitions.get(partition).map(PartitionInfo::state).orElse(null) != PartitionState.ACTIVE;
        return !nodeDied && failed(partition);
    }

    private boolean failed(String partition) {
        Track track = tracks.get(partition);
        Set<String> critical;
        synchronized (track) {
            critical = track.policy.critical();
        }
        return failure(partitions.processes(partition), critical).isPresent();
    }

    private List<ImageInfo> consistencyImages(String partition) {
        try {
            return images.list(Optional.of(partition)).stream()
                    .filter(info -> "consistency".equals(info.header().attributes().get("kind"))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Optional<ImageInfo> latestConsistencyImage(String partition) {
        return consistencyImages(partition).stream().findFirst();
    }

    /** The boot image: the clean state captured when the partition first became active under HA. */
    private void captureBootImageIfMissing(String partition) {
        Track track = tracks.get(partition);
        if (track == null || bootImage(partition).isPresent()
                || partitions.get(partition).map(PartitionInfo::state).orElse(null) != PartitionState.ACTIVE || failed(partition)) {
            return;
        }
        synchronized (track) {
            if (!track.policy.enabled() || track.recovering) {
                return;
            }
        }
        try {
            var result = checkpoints.checkpoint(partition, new CheckpointOptions(Optional.of(bootDirectory(partition)), false,
                    Map.of("kind", "boot"), ProgressListener.NONE));
            log.add(partition, Kind.BOOT_IMAGE, "boot image " + result.image().id() + " captured");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "boot image of " + partition + " failed: " + e.getMessage());
        }
    }

    private Path bootDirectory(String partition) {
        return home.resolve("boot").resolve(partition);
    }

    private Optional<Path> bootImage(String partition) {
        Path directory = bootDirectory(partition);
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.hvi")) {
            List<Path> found = new ArrayList<>();
            files.forEach(found::add);
            return found.stream().max(Comparator.comparing(Path::toString));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Track require(String partition) {
        Track track = tracks.get(partition);
        if (track == null) {
            throw new IllegalArgumentException("partition '" + partition + "' has no HA policy; set one with ha:policy");
        }
        return track;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Policies on disk, one properties file per partition. */
    static final class PolicyFiles {
        private PolicyFiles() {
        }

        static void save(Path directory, String partition, HaPolicy policy) {
            Properties properties = new Properties();
            properties.setProperty("cfi", String.join(",", policy.cfiNodes()));
            properties.setProperty("bfi", String.join(",", policy.bfiNodes()));
            properties.setProperty("window", policy.window().toString());
            properties.setProperty("checkpointEvery", policy.checkpointEvery().toString());
            properties.setProperty("keep", Integer.toString(policy.keep()));
            properties.setProperty("heartbeat", policy.heartbeat().toString());
            properties.setProperty("missedBeats", Integer.toString(policy.missedBeats()));
            properties.setProperty("enabled", Boolean.toString(policy.enabled()));
            properties.setProperty("critical", String.join(",", policy.critical().stream().sorted().toList()));
            try {
                Files.createDirectories(directory);
                Path temp = directory.resolve("." + partition + ".tmp");
                try (OutputStream out = Files.newOutputStream(temp)) {
                    properties.store(out, "Haven HA policy of " + partition);
                }
                Files.move(temp, directory.resolve(partition + ".policy"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot save the HA policy of " + partition, e);
            }
        }

        static Map<String, HaPolicy> loadAll(Path directory) {
            Map<String, HaPolicy> policies = new java.util.TreeMap<>();
            if (!Files.isDirectory(directory)) {
                return policies;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.policy")) {
                for (Path file : files) {
                    Properties properties = new Properties();
                    try (InputStream in = Files.newInputStream(file)) {
                        properties.load(in);
                        String name = file.getFileName().toString().replace(".policy", "");
                        policies.put(name, new HaPolicy(list(properties.getProperty("cfi")), list(properties.getProperty("bfi")),
                                Duration.parse(properties.getProperty("window")),
                                Duration.parse(properties.getProperty("checkpointEvery")),
                                Integer.parseInt(properties.getProperty("keep")),
                                Duration.parse(properties.getProperty("heartbeat")),
                                Integer.parseInt(properties.getProperty("missedBeats")),
                                Boolean.parseBoolean(properties.getProperty("enabled")),
                                Set.copyOf(list(properties.getProperty("critical")))));
                    } catch (IOException | RuntimeException e) {
                        LOG.log(Level.WARNING, "skipped unreadable HA policy " + file + ": " + e.getMessage());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return policies;
        }

        private static List<String> list(String value) {
            return value == null || value.isBlank() ? List.of() : Arrays.asList(value.split(","));
        }
    }
}
