package dev.haven.kernel;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

import dev.haven.api.accounting.ProcessMeter;
import dev.haven.api.accounting.UsageSink;
import dev.haven.api.checkpoint.CheckpointOptions;
import dev.haven.api.checkpoint.CheckpointParticipant;
import dev.haven.api.checkpoint.CheckpointResult;
import dev.haven.api.checkpoint.CheckpointService;
import dev.haven.api.checkpoint.ImageStore;
import dev.haven.api.checkpoint.MigrationOptions;
import dev.haven.api.checkpoint.MigrationResult;
import dev.haven.api.checkpoint.ProgressListener;
import dev.haven.api.checkpoint.RestartOptions;
import dev.haven.api.checkpoint.RestartResult;
import dev.haven.api.firmware.FirmwareDriver;
import dev.haven.api.firmware.FirmwareEvent;
import dev.haven.api.firmware.FirmwareException;
import dev.haven.api.firmware.FirmwareListener;
import dev.haven.api.firmware.Lease;
import dev.haven.api.firmware.NodeInfo;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.firmware.NodeState;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.KernelExtension;
import dev.haven.api.partition.PartitionEvent;
import dev.haven.api.partition.PartitionException;
import dev.haven.api.partition.PartitionException.Reason;
import dev.haven.api.partition.PartitionInfo;
import dev.haven.api.partition.PartitionListener;
import dev.haven.api.partition.PartitionManager;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.PartitionState;
import dev.haven.api.partition.ProcessInfo;
import dev.haven.api.partition.ProcessStatus;
import dev.haven.api.workload.Workload;

/**
 * The partition manager: definitions, lifecycle, processes, and the reaction to firmware failures.
 * Lifecycle requests on one partition are serialized by the partition's monitor for their checks
 * and by {@link #operations} for their whole duration; kernel calls never take either.
 */
@Component(service = { PartitionManager.class, CheckpointService.class, FirmwareListener.class },
        configurationPid = "dev.haven.kernel")
@Designate(ocd = KernelConfig.class)
public final class PartitionManagerImpl implements PartitionManager, CheckpointService, FirmwareListener {
    private static final System.Logger LOG = System.getLogger(PartitionManagerImpl.class.getName());

    private final Map<String, Partition> partitions = new ConcurrentSkipListMap<>();
    private final Map<String, Object> operations = new ConcurrentHashMap<>();
    private final Map<String, Workload> workloads = new ConcurrentSkipListMap<>();
    private final List<PartitionListener> listeners = new CopyOnWriteArrayList<>();
    private final List<CheckpointParticipant> participants = new CopyOnWriteArrayList<>();
    private final Map<String, KernelExtension<?>> extensions = new ConcurrentHashMap<>();
    private final CheckpointOrchestrator checkpoints;
    private final DefinitionStore definitions;
    private final KernelConfig config;

    private volatile FirmwareDriver driver;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ImageStore images;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile UsageSink usage;
    private final Metering metering = new Metering(() -> usage);

    @Activate
    public PartitionManagerImpl(BundleContext context, KernelConfig config) {
        this(HavenHome.of(context), config);
    }

    PartitionManagerImpl(Path home, KernelConfig config) {
        this.config = config;
        this.definitions = new DefinitionStore(home.resolve("partitions"));
        this.checkpoints = new CheckpointOrchestrator(this, () -> List.copyOf(participants), () -> Optional.ofNullable(images),
                () -> Optional.ofNullable(driver), Duration.ofMillis(config.freeze_timeout_ms()));
        List<String> problems = new ArrayList<>();
        for (DefinitionStore.Definition definition : definitions.loadAll(problems)) {
            // Nothing runs after a runtime restart: what was running comes back stopped.
            PartitionState state = definition.state().running() ? PartitionState.STOPPED : definition.state();
            Optional<String> reason = state == definition.state() ? definition.reason() : Optional.of("runtime restarted");
            partitions.put(definition.name(), new Partition(definition.name(), definition.node(), definition.spec(), state, reason));
        }
        problems.forEach(problem -> LOG.log(Level.WARNING, "skipped unreadable partition definition " + problem));
    }

    /** For tests: the driver in use. */
    void setDriver(FirmwareDriver driver) {
        this.driver = driver;
    }

    /**
     * A driver appears, or replaces the one in use (a higher-ranked one was installed, or the one in use is going
     * away: SCR binds the replacement before it unbinds the outgoing driver, whose leases still hold). The partitions
     * hosted through the outgoing driver are carried over to the incoming one ({@link DriverHandover}).
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDriver(FirmwareDriver incoming) {
        FirmwareDriver outgoing = driver;
        driver = incoming;
        if (outgoing != null && outgoing != incoming) {
            new DriverHandover(this).run(outgoing, incoming);
        }
    }

    void unbindDriver(FirmwareDriver outgoing) {
        if (driver == outgoing) {
            driver = null;
        }
    }

    /** For tests: the image store in use. */
    void setImageStore(ImageStore store) {
        this.images = store;
    }

    /** For tests: the accounting engine in use. */
    void setUsageSink(UsageSink sink) {
        this.usage = sink;
    }

    @Deactivate
    void deactivate() {
        for (Partition partition : partitions.values()) {
            for (KernelProcess process : partition.liveProcesses()) {
                process.terminate(ProcessStatus.KILLED);
            }
            awaitEnd(partition.liveProcesses());
            Lease lease = partition.detach();
            if (lease != null) {
                lease.release();
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addWorkload(Workload workload) {
        Workload previous = workloads.putIfAbsent(workload.name(), workload);
        if (previous != null && previous != workload) {
            LOG.log(Level.WARNING, "two workloads are named '" + workload.name() + "'; keeping the first");
        }
    }

    void removeWorkload(Workload workload) {
        workloads.remove(workload.name(), workload);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(PartitionListener listener) {
        listeners.add(listener);
    }

    void removeListener(PartitionListener listener) {
        listeners.remove(listener);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addExtension(KernelExtension<?> extension) {
        extensions.putIfAbsent(extension.type().getName(), extension);
    }

    void removeExtension(KernelExtension<?> extension) {
        extensions.remove(extension.type().getName(), extension);
    }

    /** By name, not by class: a workload and the extension may see the API through different class loaders only if wired wrongly, and then ENOSYS is the honest answer. */
    Optional<KernelExtension<?>> extension(Class<?> type) {
        KernelExtension<?> extension = extensions.get(type.getName());
        return extension != null && extension.type() == type ? Optional.of(extension) : Optional.empty();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addParticipant(CheckpointParticipant participant) {
        participants.add(participant);
    }

    void removeParticipant(CheckpointParticipant participant) {
        participants.remove(participant);
    }

    // ---- CheckpointService

    @Override
    public CheckpointResult checkpoint(String partition, CheckpointOptions options) {
        return metering.checkpointed(partition, checkpoints.checkpoint(partition, options));
    }

    @Override
    public RestartResult restart(String image, RestartOptions options) {
        return metering.restarted(checkpoints.restart(image, options));
    }

    @Override
    public MigrationResult migrate(String partition, String node, ProgressListener progress) {
        return migrate(partition, node, new MigrationOptions(false, progress));
    }

    @Override
    public MigrationResult migrate(String partition, String node, MigrationOptions options) {
        return metering.migrated(checkpoints.migrate(partition, node, options));
    }

    // ---- PartitionManager

    @Override
    public PartitionInfo create(String name, String node, PartitionSpec spec) {
        Names.checkPartition(name);
        if (spec == null) {
            throw new PartitionException(Reason.INVALID_ARGUMENT, "a partition needs a spec");
        }
        requireNode(node);
        synchronized (operation(name)) {
            if (partitions.containsKey(name)) {
                throw new PartitionException(Reason.DUPLICATE, "partition '" + name + "' already exists");
            }
            Partition partition = new Partition(name, node, spec, PartitionState.DEFINED, Optional.empty());
            persist(partition, PartitionState.DEFINED, Optional.empty());
            partitions.put(name, partition);
            publish(new PartitionEvent(name, node, Optional.empty(), Optional.of(PartitionState.DEFINED), Optional.empty(),
                    Instant.now()));
            return partition.info();
        }
    }

    @Override
    public List<PartitionInfo> list() {
        List<PartitionInfo> infos = new ArrayList<>();
        for (Partition partition : partitions.values()) {
            infos.add(refresh(partition).info());
        }
        return infos;
    }

    @Override
    public Optional<PartitionInfo> get(String name) {
        return Optional.ofNullable(partitions.get(name)).map(partition -> refresh(partition).info());
    }

    @Override
    public PartitionInfo start(String name) {
        synchronized (operation(name)) {
            Partition partition = refresh(require(name));
            PartitionState state = partition.state();
            if (state.running()) {
                throw new PartitionException(Reason.WRONG_STATE, "partition '" + name + "' is already running (" + state + ")");
            }
            FirmwareDriver firmware = requireDriver();
            String node = partition.node();
            Lease lease = host(firmware, name, node);
            try {
                NodeKernel kernel = firmware.kernel(node);
                persist(partition, PartitionState.ACTIVE, Optional.empty());
                partition.clearProcesses();
                partition.attach(lease, kernel);
            } catch (RuntimeException e) {
                lease.release();
                throw e;
            }
            publish(partition.transition(PartitionState.ACTIVE, null));
            return partition.info();
        }
    }

    @Override
    public PartitionInfo stop(String name) {
        synchronized (operation(name)) {
            Partition partition = refresh(require(name));
            PartitionState state = partition.state();
            if (state == PartitionState.FROZEN) {
                throw new PartitionException(Reason.WRONG_STATE, "partition '" + name + "' is frozen by a checkpoint in progress");
            }
            if (!state.running() && state != PartitionState.BROKEN) {
                throw new PartitionException(Reason.WRONG_STATE, "partition '" + name + "' is not running (" + state + ")");
            }
            halt(partition, ProcessStatus.KILLED);
            persist(partition, PartitionState.STOPPED, Optional.empty());
            publish(partition.transition(PartitionState.STOPPED, null));
            return partition.info();
        }
    }

    @Override
    public void destroy(String name) {
        synchronized (operation(name)) {
            Partition partition = refresh(require(name));
            PartitionState state = partition.state();
            if (state.running()) {
                throw new PartitionException(Reason.WRONG_STATE,
                        "partition '" + name + "' is running (" + state + "): stop it first");
            }
            try {
                definitions.delete(name);
            } catch (IOException e) {
                throw new PartitionException(Reason.IO_ERROR, "cannot delete the definition of '" + name + "': " + e.getMessage(), e);
            }
            partitions.remove(name);
            publish(new PartitionEvent(name, partition.node(), Optional.of(state), Optional.empty(), Optional.empty(),
                    Instant.now()));
        }
    }

    @Override
    public int spawn(String name, String workloadName, List<String> args, Credentials credentials) {
        if (args == null || args.stream().anyMatch(arg -> arg == null)) {
            throw new PartitionException(Reason.INVALID_ARGUMENT, "arguments must not be null");
        }
        if (credentials == null) {
            throw new PartitionException(Reason.INVALID_ARGUMENT, "a process needs credentials");
        }
        Partition partition = refresh(require(name));
        Workload workload = workloads.get(workloadName);
        if (workload == null) {
            throw new PartitionException(Reason.UNKNOWN_WORKLOAD, "no workload named '" + workloadName
                    + "'; known: " + String.join(", ", workloads.keySet()));
        }
        synchronized (partition) {
            if (partition.state() != PartitionState.ACTIVE) {
                throw new PartitionException(Reason.WRONG_STATE,
                        "partition '" + name + "' is " + partition.state() + ", not ACTIVE: start it first");
            }
            long max = partition.spec().limit("processes.max", config.processes_max());
            if (partition.liveProcesses().stream().filter(KernelProcess::running).count() >= max) {
                throw new PartitionException(Reason.LIMIT, "partition '" + name + "' already runs " + max
                        + " processes, its processes.max");
            }
            NodeKernel kernel = partition.kernel();
            int realPid = allocatePid(partition, kernel);
            KernelProcess process = new KernelProcess(partition, partition.allocateVpid(), realPid, workloadName, args,
                    credentials, Instant.now(), new ProcessSavedState(stateMax(partition)), false);
            launch(process, workload);
            return process.vpid();
        }
    }

    @Override
    public List<ProcessInfo> processes(String name) {
        Partition partition = refresh(require(name));
        List<ProcessInfo> infos = new ArrayList<>();
        for (KernelProcess process : partition.processes()) {
            infos.add(process.info());
        }
        infos.sort(Comparator.comparingInt(ProcessInfo::vpid));
        return infos;
    }

    @Override
    public ProcessInfo kill(String name, int vpid) {
        Partition partition = refresh(require(name));
        KernelProcess process = partition.process(vpid).orElseThrow(() -> new PartitionException(Reason.UNKNOWN_PROCESS,
                "partition '" + name + "' has no process " + vpid));
        if (!process.alive()) {
            throw new PartitionException(Reason.WRONG_STATE, "process " + vpid + " of '" + name + "' has already ended ("
                    + process.info().status() + ")");
        }
        process.terminate(ProcessStatus.KILLED);
        awaitEnd(List.of(process));
        return process.info();
    }

    @Override
    public ProcessInfo waitFor(String name, int vpid, Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new PartitionException(Reason.INVALID_ARGUMENT, "the timeout must not be negative: " + timeout);
        }
        KernelProcess process = require(name).process(vpid).orElseThrow(() -> new PartitionException(Reason.UNKNOWN_PROCESS,
                "partition '" + name + "' has no process " + vpid));
        try {
            if (!process.awaitEnd(timeout.toMillis())) {
                throw new PartitionException(Reason.TIMEOUT, "process " + vpid + " of '" + name + "' is still running after "
                        + timeout.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PartitionException(Reason.TIMEOUT, "interrupted while waiting for process " + vpid + " of '" + name + "'");
        }
        return process.info();
    }

    @Override
    public PartitionInfo markBroken(String name, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new PartitionException(Reason.INVALID_ARGUMENT, "a broken partition needs a reason");
        }
        synchronized (operation(name)) {
            Partition partition = refresh(require(name));
            if (partition.state().running()) {
                throw new PartitionException(Reason.WRONG_STATE, "partition '" + name + "' is running ("
                        + partition.state() + "): stop it first");
            }
            persist(partition, PartitionState.BROKEN, Optional.of(reason));
            publish(partition.transition(PartitionState.BROKEN, reason));
            return partition.info();
        }
    }

    @Override
    public long kernelCalls(String name) {
        Partition partition = require(name);
        int live = (int) partition.liveProcesses().stream().filter(KernelProcess::running).count();
        return partition.gate().heartbeat(live);
    }

    @Override
    public List<String> workloads() {
        return List.copyOf(workloads.keySet());
    }

    // ---- FirmwareListener

    @Override
    public void firmwareEvent(FirmwareEvent event) {
        if (event.kind() == FirmwareEvent.Kind.NODE_UP) {
            return;
        }
        for (Partition partition : partitions.values()) {
            boolean concerned = event.partition().map(partition.name()::equals).orElse(true)
                    && partition.node().equals(event.node());
            if (concerned && partition.state().running() && !partition.leaseValid()) {
                fail(partition, event.reason());
            }
        }
    }

    /** The monitor that serializes lifecycle operations on one partition. */
    Object operation(String name) {
        return operations.computeIfAbsent(name, key -> new Object());
    }

    // ---- internals

    Optional<Partition> find(String name) {
        return Optional.ofNullable(name == null ? null : partitions.get(name));
    }

    /** Defines a partition for a restart from an image; it is persisted once the restore succeeds. */
    Partition adopt(String name, String node, PartitionSpec spec) {
        Partition partition = new Partition(name, node, spec, PartitionState.DEFINED, Optional.empty());
        partitions.put(name, partition);
        return partition;
    }

    /** Undoes {@link #adopt} after a failed restart. */
    void forget(String name) {
        partitions.remove(name);
    }

    Optional<Workload> workload(String name) {
        return Optional.ofNullable(workloads.get(name));
    }

    Partition require(String name) {
        Partition partition = name == null ? null : partitions.get(name);
        if (partition == null) {
            throw new PartitionException(Reason.UNKNOWN_PARTITION, "no partition named '" + name + "'");
        }
        return partition;
    }

    private FirmwareDriver requireDriver() {
        FirmwareDriver current = driver;
        if (current == null) {
            throw new PartitionException(Reason.NO_FIRMWARE, "no firmware driver is installed");
        }
        return current;
    }

    private NodeInfo requireNode(String node) {
        FirmwareDriver firmware = requireDriver();
        return firmware.nodes().stream().filter(info -> info.name().equals(node)).findFirst()
                .orElseThrow(() -> new PartitionException(Reason.UNKNOWN_NODE, "no node named '" + node + "'; the "
                        + firmware.name() + " firmware has " + firmware.nodes().stream().map(NodeInfo::name).toList()));
    }

    private Lease host(FirmwareDriver firmware, String name, String node) {
        try {
            return firmware.host(name, node);
        } catch (FirmwareException e) {
            Reason reason = switch (e.reason()) {
                case NODE_DOWN -> Reason.NODE_DOWN;
                case UNKNOWN_NODE -> Reason.UNKNOWN_NODE;
                case ALREADY_HOSTED -> Reason.WRONG_STATE;
                default -> Reason.INVALID_ARGUMENT;
            };
            throw new PartitionException(reason, "cannot start '" + name + "' on " + node + ": " + e.getMessage(), e);
        }
    }

    private int allocatePid(Partition partition, NodeKernel kernel) {
        try {
            return kernel.allocate(dev.haven.api.firmware.IdSpace.PID);
        } catch (FirmwareException e) {
            throw new PartitionException(e.reason() == FirmwareException.Reason.NODE_DOWN ? Reason.NODE_DOWN : Reason.LIMIT,
                    "cannot spawn in '" + partition.name() + "': " + e.getMessage(), e);
        }
    }

    long stateMax(Partition partition) {
        return partition.spec().limit("state.max", config.state_max());
    }

    /** Starts a process's thread. */
    void launch(KernelProcess process, Workload workload) {
        Partition partition = process.partition();
        partition.add(process);
        Thread thread = new Thread(() -> run(process, workload),
                "haven:" + partition.name() + ":" + process.vpid() + ":" + process.workload());
        thread.setDaemon(true);
        process.attach(thread);
        thread.start();
    }

    private void run(KernelProcess process, Workload workload) {
        ProcessStatus end;
        Integer exit = null;
        String error = null;
        ProcessMeter meter = metering.start(process);
        try {
            exit = workload.run(new ProcessKernel(process, this::extension, meter)) & 0xff;
            end = ProcessStatus.EXITED;
        } catch (ProcessTermination termination) {
            end = termination.status();
        } catch (Throwable failure) {
            end = ProcessStatus.CRASHED;
            error = failure.getMessage() == null ? failure.getClass().getName()
                    : failure.getClass().getSimpleName() + ": " + failure.getMessage();
        }
        NodeKernel kernel = process.partition().kernel();
        if (kernel != null) {
            kernel.release(dev.haven.api.firmware.IdSpace.PID, process.realPid());
        }
        Metering.ended(meter, end);
        process.ended(end, exit, error);
        ProcessInfo info = process.info();
        for (PartitionListener listener : listeners) {
            try {
                listener.processEnded(process.partition().name(), info);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "partition listener failed on process end", e);
            }
        }
    }

    /** Ends every process with the given status and gives the lease back. */
    void halt(Partition partition, ProcessStatus end) {
        List<KernelProcess> live = partition.liveProcesses();
        live.forEach(process -> process.terminate(end));
        awaitEnd(live);
        Lease lease = partition.detach();
        if (lease != null) {
            lease.release();
        }
    }

    private void awaitEnd(List<KernelProcess> processes) {
        long deadline = System.nanoTime() + Duration.ofMillis(config.stop_timeout_ms()).toNanos();
        for (KernelProcess process : processes) {
            try {
                long left = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
                if (!process.awaitEnd(left)) {
                    LOG.log(Level.WARNING, "process " + process.vpid() + " of " + process.partition().name()
                            + " did not reach a kernel call within " + config.stop_timeout_ms() + " ms; it is abandoned");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Notices a lease the firmware ended before its event arrived, so reads never show a dead partition as running. */
    private Partition refresh(Partition partition) {
        if (partition.state().running() && !partition.leaseValid()) {
            fail(partition, lostReason(partition.node()));
        }
        return partition;
    }

    private String lostReason(String node) {
        FirmwareDriver firmware = driver;
        boolean down = firmware != null && firmware.nodes().stream()
                .anyMatch(info -> info.name().equals(node) && info.state() == NodeState.DOWN);
        return down ? "node " + node + " crashed" : "lease on node " + node + " was revoked";
    }

    /** Marks a running partition broken after its node or lease failed; its processes are lost. */
    void fail(Partition partition, String reason) {
        synchronized (partition) {
            if (!partition.state().running()) {
                return;
            }
            partition.liveProcesses().forEach(process -> process.terminate(ProcessStatus.LOST));
            partition.detach();
            PartitionEvent event = partition.transition(PartitionState.BROKEN, reason);
            try {
                persist(partition, PartitionState.BROKEN, Optional.of(reason));
            } catch (PartitionException e) {
                LOG.log(Level.ERROR, "could not record that " + partition.name() + " is broken", e);
            }
            publish(event);
        }
    }

    void persist(Partition partition, PartitionState state, Optional<String> reason) {
        try {
            definitions.save(new DefinitionStore.Definition(partition.name(), partition.node(), partition.spec(), state, reason));
        } catch (IOException e) {
            throw new PartitionException(Reason.IO_ERROR, "cannot save the definition of '" + partition.name() + "' under "
                    + definitions.directory() + ": " + e.getMessage(), e);
        }
    }

    void publish(PartitionEvent event) {
        for (PartitionListener listener : listeners) {
            try {
                listener.partitionChanged(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "partition listener failed on " + event, e);
            }
        }
    }
}
