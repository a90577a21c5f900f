package dev.haven.streams;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.kernel.KernelExtension;
import dev.haven.api.kernel.SystemCalls;
import dev.haven.api.partition.PartitionEvent;
import dev.haven.api.partition.PartitionListener;
import dev.haven.api.partition.PartitionState;
import dev.haven.api.streams.CheckpointRefusedException;
import dev.haven.api.streams.ComponentInfo;
import dev.haven.api.streams.MessageBlock;
import dev.haven.api.streams.MessageType;
import dev.haven.api.streams.StreamComponent;
import dev.haven.api.streams.StreamDriver;
import dev.haven.api.streams.StreamHandler;
import dev.haven.api.streams.StreamInfo;
import dev.haven.api.streams.StreamModule;
import dev.haven.api.streams.Streams;
import dev.haven.api.streams.StreamsAdmin;
import dev.haven.api.streams.StreamsCheckpointing;
import dev.haven.api.streams.StreamsSnapshot;
import dev.haven.api.streams.StreamsSnapshot.HeadImage;
import dev.haven.api.streams.StreamsSnapshot.PartImage;
import dev.haven.api.streams.StreamsSnapshot.QueueImage;
import dev.haven.api.streams.StreamsSnapshot.StreamImage;

/**
 * The STREAMS framework: one namespace of streams per partition, reached by workloads as the
 * {@link Streams} kernel extension; modules and drivers are whiteboard services found by name, so a
 * module bundle installed at run time can be pushed at once. It shows its streams to operators
 * ({@link StreamsAdmin}) and lets the STREAMS checkpointer capture and rebuild them
 * ({@link StreamsCheckpointing}). A namespace ends with its partition's running instance.
 */
@Component(service = { KernelExtension.class, StreamsAdmin.class, StreamsCheckpointing.class, PartitionListener.class })
public final class StreamsFramework implements KernelExtension<Streams>, StreamsAdmin, StreamsCheckpointing, PartitionListener {
    /** The partition limit on streams (ENOSR beyond it). */
    static final String LIMIT_STREAMS = "streams.max";
    static final long DEFAULT_STREAMS = 256;

    private record Registered<T extends StreamComponent>(T component, long bundle) {
    }

    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
    private final Map<String, Registered<StreamModule>> modules = new ConcurrentHashMap<>();
    private final Map<String, Registered<StreamDriver>> drivers = new ConcurrentHashMap<>();
    private final LongFunction<String> bundleNames;

    /** For tests and embedding: bundles are shown by id. */
    public StreamsFramework() {
        this.bundleNames = id -> id < 0 ? "-" : "bundle " + id;
    }

    @Activate
    public StreamsFramework(BundleContext context) {
        this.bundleNames = id -> {
            Bundle bundle = context.getBundle(id);
            return bundle == null ? "bundle " + id : bundle.getSymbolicName();
        };
    }

    // ---- the module and driver whiteboard

    private static long bundleOf(Map<String, Object> properties) {
        return properties.get(Constants.SERVICE_BUNDLEID) instanceof Long id ? id : -1;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addModule(StreamModule module, Map<String, Object> properties) {
        modules.putIfAbsent(module.info().name(), new Registered<>(module, bundleOf(properties)));
    }

    public void removeModule(StreamModule module) {
        modules.computeIfPresent(module.info().name(), (name, registered) -> registered.component() == module ? null : registered);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addDriver(StreamDriver driver, Map<String, Object> properties) {
        drivers.putIfAbsent(driver.info().name(), new Registered<>(driver, bundleOf(properties)));
    }

    public void removeDriver(StreamDriver driver) {
        drivers.computeIfPresent(driver.info().name(), (name, registered) -> registered.component() == driver ? null : registered);
    }

    Optional<StreamModule> module(String name) {
        return Optional.ofNullable(modules.get(name)).map(Registered::component);
    }

    Optional<StreamDriver> driver(String name) {
        return Optional.ofNullable(drivers.get(name)).map(Registered::component);
    }

    List<String> moduleNames() {
        return modules.keySet().stream().sorted().toList();
    }

    List<String> driverNames() {
        return drivers.keySet().stream().sorted().toList();
    }

    // ---- KernelExtension

    @Override
    public Class<Streams> type() {
        return Streams.class;
    }

    @Override
    public Streams bind(SystemCalls caller) {
        return new StreamsImpl(caller, this);
    }

    /** The partition's namespace, created on its first call; one of an earlier node boot is replaced. */
    Namespace namespace(SystemCalls caller) {
        return namespaces.compute(caller.partition(), (name, existing) -> existing != null && existing.node == caller.node()
                ? existing : new Namespace(name, caller.node(), this));
    }

    // ---- PartitionListener

    @Override
    public void partitionChanged(PartitionEvent event) {
        boolean ends = event.to().isEmpty() || event.to().get() == PartitionState.STOPPED
                || event.to().get() == PartitionState.BROKEN;
        if (ends) {
            Namespace namespace = namespaces.remove(event.partition());
            if (namespace != null) {
                namespace.release();
            }
        }
    }

    // ---- StreamsAdmin

    @Override
    public List<StreamInfo> streams(String partition) {
        Namespace ns = namespaces.get(partition);
        if (ns == null) {
            return List.of();
        }
        ns.lock.lock();
        try {
            Map<StreamImpl, List<Integer>> fds = new HashMap<>();
            ns.descriptors.forEach((fd, stream) -> fds.computeIfAbsent(stream, s -> new ArrayList<>()).add(fd));
            List<StreamInfo> infos = new ArrayList<>();
            for (StreamImpl stream : ns.streams.values()) {
                List<StreamInfo.QueueInfo> queues = new ArrayList<>();
                for (Pair pair : stream.pairs()) {
                    queues.add(queueInfo(pair.rq));
                    queues.add(queueInfo(pair.wq));
                }
                List<String> flags = new ArrayList<>();
                StreamHead head = stream.headState();
                if (head.hungUp()) {
                    flags.add("HANGUP");
                }
                if ((head.flags & StreamHead.STRDERR) != 0) {
                    flags.add("RERROR(" + head.readError + ")");
                }
                if ((head.flags & StreamHead.STWRERR) != 0) {
                    flags.add("WERROR(" + head.writeError + ")");
                }
                if ((head.flags & StreamHead.NDELAY) != 0) {
                    flags.add("NDELAY");
                }
                if ((head.flags & StreamHead.RDONLY) != 0) {
                    flags.add("RDONLY");
                }
                if ((head.flags & StreamHead.WRONLY) != 0) {
                    flags.add("WRONLY");
                }
                if (stream.linkedUnder != null) {
                    flags.add("LINKED(" + stream.linkedUnder.id + "/" + stream.muxId + ")");
                }
                if (!stream.lowers.isEmpty()) {
                    flags.add("MUX(" + stream.lowers.size() + ")");
                }
                if (head.iocId != 0) {
                    flags.add("IOCWAIT");
                }
                if (head.readers > 0) {
                    flags.add("RSLEEP");
                }
                if (head.writers > 0) {
                    flags.add("WSLEEP");
                }
                if (stream.frozen) {
                    flags.add("FROZEN");
                }
                infos.add(new StreamInfo(partition, stream.id, stream.realId, fds.getOrDefault(stream, List.of()),
                        stream.driverName(), stream.modules.stream().map(pair -> pair.name).toList(), queues, flags,
                        stream.peer == null ? -1 : stream.peer.id));
            }
            return infos;
        } finally {
            ns.lock.unlock();
        }
    }

    private static StreamInfo.QueueInfo queueInfo(QueueImpl q) {
        return new StreamInfo.QueueInfo(q.pair.name, q.read, q.messages(), q.count(), q.hiwat, q.lowat, q.flagNames());
    }

    @Override
    public List<ComponentInfo> components() {
        List<ComponentInfo> all = new ArrayList<>();
        all.add(new ComponentInfo("driver", PipeEnd.INFO, 1, "dev.haven.streams (built in: pipe())",
                "STREAMS pipe: two streams whose write sides feed each other's read sides"));
        drivers.values().stream().sorted(Comparator.comparing(r -> r.component().info().name()))
                .forEach(r -> all.add(info("driver", r)));
        modules.values().stream().sorted(Comparator.comparing(r -> r.component().info().name()))
                .forEach(r -> all.add(info("module", r)));
        return all;
    }

    private ComponentInfo info(String kind, Registered<?> registered) {
        StreamComponent component = registered.component();
        return new ComponentInfo(kind, component.info(), component.stateVersion(), bundleNames.apply(registered.bundle()),
                component.description());
    }

    // ---- StreamsCheckpointing

    @Override
    public StreamsSnapshot capture(String partition) throws CheckpointRefusedException {
        Namespace ns = namespaces.get(partition);
        if (ns == null) {
            return new StreamsSnapshot(Map.of(), List.of());
        }
        ns.lock.lock();
        try {
            for (StreamImpl stream : ns.streams.values()) {
                if (stream.headState().iocId != 0) {
                    throw new CheckpointRefusedException("stream " + stream.id + " (" + stream.driverName()
                            + "): an ioctl is waiting for its acknowledgement");
                }
            }
            ns.streams.values().forEach(stream -> stream.frozen = true);
            try {
                List<StreamImage> images = new ArrayList<>();
                for (StreamImpl stream : ns.streams.values()) {
                    images.add(capture(stream));
                }
                Map<Integer, Integer> descriptors = new TreeMap<>();
                ns.descriptors.forEach((fd, stream) -> descriptors.put(fd, stream.id));
                return new StreamsSnapshot(descriptors, images);
            } finally {
                ns.streams.values().forEach(stream -> stream.frozen = false);
            }
        } finally {
            ns.lock.unlock();
        }
    }

    /**
     * Sends the checkpoint message down the frozen stream: it visits the queue pairs in the order the
     * write side links them, and each module and the driver appends a block with its private state.
     */
    private static StreamImage capture(StreamImpl stream) throws CheckpointRefusedException {
        MessageBlock checkpoint = MessageBlock.of(MessageType.M_CTL);
        List<Pair> visited = new ArrayList<>();
        for (QueueImpl q = stream.head.wq.next; q != null && q.pair.stream == stream; q = q.next) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                q.pair.handler.checkpoint(new DataOutputStream(bytes));
            } catch (CheckpointRefusedException refused) {
                throw new CheckpointRefusedException("stream " + stream.id + ": " + (q.pair.driver ? "driver " : "module ")
                        + q.pair.name + " refused: " + refused.getMessage());
            } catch (RuntimeException failed) {
                // Such as a module trying to send while its stream is frozen: the checkpoint fails cleanly.
                throw new CheckpointRefusedException("stream " + stream.id + ": " + (q.pair.driver ? "driver " : "module ")
                        + q.pair.name + " failed to write its state: " + failed.getMessage());
            } catch (IOException impossible) {
                throw new IllegalStateException("writing to memory failed", impossible);
            }
            checkpoint.link(MessageBlock.of(MessageType.M_DATA, bytes.toByteArray()));
            visited.add(q.pair);
        }
        if (stream.linkedUnder != null || !stream.lowers.isEmpty()) {
            throw new CheckpointRefusedException("stream " + stream.id + " (" + stream.driverName()
                    + ") takes part in a multiplexor (I_LINK); linked streams are not captured");
        }
        List<PartImage> parts = new ArrayList<>();
        MessageBlock block = checkpoint.cont();
        for (Pair pair : visited) {
            int version = pair.component == null ? 1 : pair.component.stateVersion();
            parts.add(new PartImage(pair.name, version, block.bytes()));
            block = block.cont();
        }
        List<QueueImage> queues = new ArrayList<>();
        for (Pair pair : stream.pairs()) {
            queues.add(image(pair.rq));
            queues.add(image(pair.wq));
        }
        StreamHead head = stream.headState();
        HeadImage headImage = new HeadImage(head.readOptions, head.flags, head.readError, head.writeError, head.minPacket,
                head.maxPacket, head.signals, head.pending);
        return new StreamImage(stream.id, parts.get(parts.size() - 1), parts.subList(0, parts.size() - 1),
                stream.peer == null ? -1 : stream.peer.id, -1, -1, headImage, queues);
    }

    private static QueueImage image(QueueImpl q) {
        Map<Integer, int[]> bands = new TreeMap<>();
        q.bands().forEach((number, band) -> bands.put(number, new int[] { band.hiwat, band.lowat, band.flags }));
        return new QueueImage(q.read, q.hiwat, q.lowat, q.flags, bands, q.all().stream().map(MessageBlock::copy).toList());
    }

    @Override
    public void install(String partition, NodeKernel kernel, StreamsSnapshot snapshot) {
        check(snapshot);
        Namespace ns = new Namespace(partition, kernel, this);
        ns.lock.lock();
        try {
            for (StreamImage image : snapshot.streams()) {
                StreamImpl stream = ns.newStream(image.id());
                PartImage driverImage = image.driver();
                if (driverImage.name().equals(PipeEnd.NAME)) {
                    stream.setDriver(PipeEnd.NAME, null, new PipeEnd());
                } else {
                    StreamDriver driver = driver(driverImage.name()).orElseThrow();
                    stream.setDriver(driverImage.name(), driver, driver.create());
                }
                for (PartImage moduleImage : image.modules()) {
                    StreamModule module = module(moduleImage.name()).orElseThrow();
                    stream.modules.add(new Pair(stream, moduleImage.name(), module.info(), module, module.create(), false, null));
                }
            }
            for (StreamImage image : snapshot.streams()) {
                StreamImpl stream = ns.streams.get(image.id());
                if (image.peer() >= 0) {
                    stream.peer = ns.streams.get(image.peer());
                }
            }
            for (StreamImage image : snapshot.streams()) {
                StreamImpl stream = ns.streams.get(image.id());
                stream.relink();
                restoreParts(stream, image);
                restoreQueues(ns, stream, image);
                HeadImage h = image.head();
                StreamHead head = stream.headState();
                head.readOptions = h.readOptions();
                head.flags = h.flags();
                head.readError = h.readError();
                head.writeError = h.writeError();
                head.minPacket = h.minPacket();
                head.maxPacket = h.maxPacket();
                head.signals.putAll(h.signals());
                head.pending.putAll(h.pendingSignals());
            }
            snapshot.descriptors().forEach((fd, id) -> ns.descriptors.put(fd, ns.streams.get(id)));
        } catch (RuntimeException failed) {
            ns.lock.unlock();
            ns.release();
            throw failed;
        }
        ns.lock.unlock();
        Namespace previous = namespaces.put(partition, ns);
        if (previous != null && previous != ns) {
            previous.release();
        }
    }

    /** Everything install needs is there and consistent, before anything is built. */
    private void check(StreamsSnapshot snapshot) {
        Map<Integer, StreamImage> byId = new HashMap<>();
        for (StreamImage image : snapshot.streams()) {
            if (image.id() < 1 || byId.put(image.id(), image) != null) {
                throw new IllegalArgumentException("stream id " + image.id() + " is invalid or appears twice");
            }
        }
        for (StreamImage image : snapshot.streams()) {
            String where = "stream " + image.id();
            PartImage driver = image.driver();
            if (driver.name().equals(PipeEnd.NAME)) {
                StreamImage peer = image.peer() < 0 ? null : byId.get(image.peer());
                if (image.peer() >= 0 && (peer == null || peer.peer() != image.id())) {
                    throw new IllegalArgumentException(where + ": pipe peer " + image.peer() + " does not point back");
                }
            } else {
                if (image.peer() >= 0) {
                    throw new IllegalArgumentException(where + ": only a pipe end has a peer, not driver " + driver.name());
                }
                StreamDriver installed = driver(driver.name()).orElseThrow(() -> new IllegalArgumentException(where + ": driver '"
                        + driver.name() + "' is not installed (its bundle is absent); installed drivers: " + driverNames()));
                checkVersion(where + ": driver '" + driver.name() + "'", installed, driver.stateVersion());
            }
            for (PartImage part : image.modules()) {
                StreamModule installed = module(part.name()).orElseThrow(() -> new IllegalArgumentException(where + ": module '"
                        + part.name() + "' is not installed (its bundle is absent); installed modules: " + moduleNames()));
                checkVersion(where + ": module '" + part.name() + "'", installed, part.stateVersion());
            }
            if (image.linkedUnder() != -1 || image.muxId() != -1) {
                throw new IllegalArgumentException(where + ": linked streams (I_LINK) are not restored by this framework");
            }
            if (image.queues().size() != 2 * (image.modules().size() + 2)) {
                throw new IllegalArgumentException(where + ": " + image.queues().size() + " queues for "
                        + (image.modules().size() + 2) + " queue pairs");
            }
        }
        snapshot.descriptors().forEach((fd, id) -> {
            if (fd < 0 || !byId.containsKey(id)) {
                throw new IllegalArgumentException("descriptor " + fd + " refers to stream " + id + ", which is not in the image");
            }
        });
    }

    private static void checkVersion(String what, StreamComponent installed, int version) {
        if (!installed.canRestore(version)) {
            throw new IllegalArgumentException(what + " cannot read its state version " + version + " (the installed one writes "
                    + installed.stateVersion() + ")");
        }
    }

    /** Hands each module and the driver its restart message. */
    private static void restoreParts(StreamImpl stream, StreamImage image) {
        List<PartImage> parts = new ArrayList<>(image.modules());
        parts.add(image.driver());
        List<Pair> pairs = new ArrayList<>(stream.modules);
        pairs.add(stream.driver);
        for (int i = 0; i < pairs.size(); i++) {
            Pair pair = pairs.get(i);
            PartImage part = parts.get(i);
            try {
                pair.handler.restore(pair.rq, part.stateVersion(), new DataInputStream(new ByteArrayInputStream(part.state())));
            } catch (IOException | RuntimeException unreadable) {
                throw new IllegalArgumentException("stream " + stream.id + ": " + (pair.driver ? "driver '" : "module '") + pair.name
                        + "' could not read its state: " + unreadable.getMessage(), unreadable);
            }
        }
    }

    private static void restoreQueues(Namespace ns, StreamImpl stream, StreamImage image) {
        List<QueueImpl> queues = new ArrayList<>();
        for (Pair pair : stream.pairs()) {
            queues.add(pair.rq);
            queues.add(pair.wq);
        }
        for (int i = 0; i < queues.size(); i++) {
            QueueImpl q = queues.get(i);
            QueueImage qi = image.queues().get(i);
            if (qi.readSide() != q.read || qi.lowat() < 0 || qi.hiwat() < qi.lowat()) {
                throw new IllegalArgumentException("stream " + stream.id + ": queue " + i + " (" + q + ") does not match the image");
            }
            q.hiwat = qi.hiwat();
            q.lowat = qi.lowat();
            qi.bands().forEach((number, marks) -> q.restoreBand(number, marks[0], marks[1], marks[2]));
            for (MessageBlock message : qi.messages()) {
                q.enqueue(message.copy(), false);
            }
            q.flags = qi.flags() & ~QueueImpl.QENAB;
            if ((qi.flags() & QueueImpl.QENAB) != 0) {
                q.enable();
            }
        }
    }

    @Override
    public void discard(String partition) {
        Namespace namespace = namespaces.remove(partition);
        if (namespace != null) {
            namespace.release();
        }
    }

    /** Test access: the partition's namespace, if it has one. */
    Optional<Namespace> existing(String partition) {
        return Optional.ofNullable(namespaces.get(partition));
    }
}
