package dev.haven.ipc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;

import dev.haven.api.checkpoint.CheckpointContext;
import dev.haven.api.checkpoint.CheckpointParticipant;
import dev.haven.api.checkpoint.PreCopy;
import dev.haven.api.checkpoint.PreCopyParticipant;
import dev.haven.api.checkpoint.RestoreContext;
import dev.haven.api.checkpoint.SectionInput;
import dev.haven.api.checkpoint.SectionOutput;
import dev.haven.api.ipc.IpcAdmin;
import dev.haven.api.ipc.IpcObjectInfo;
import dev.haven.api.ipc.SysVIpc;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.KernelExtension;
import dev.haven.api.kernel.SystemCalls;
import dev.haven.api.partition.PartitionEvent;
import dev.haven.api.partition.PartitionListener;
import dev.haven.api.partition.PartitionState;
import dev.haven.api.partition.ProcessInfo;

/**
 * The IPC virtualizer: one System V namespace per partition, reached by workloads as the {@link SysVIpc}
 * kernel extension, written into images as the {@code ipc} section, shown to operators through
 * {@link IpcAdmin}. A namespace ends with its partition's running instance (stop, node failure,
 * destroy), as a WPAR's IPC objects do.
 */
@Component(service = { KernelExtension.class, CheckpointParticipant.class, IpcAdmin.class, PartitionListener.class })
public final class IpcVirtualizer implements KernelExtension<SysVIpc>, PreCopyParticipant, IpcAdmin, PartitionListener {
    private final Map<String, IpcNamespace> namespaces = new ConcurrentHashMap<>();
    /** Copies of live migrations under way, which the target's restore takes segments' contents from. */
    private final PageCopy.Registry copies = new PageCopy.Registry();

    // ---- KernelExtension

    @Override
    public Class<SysVIpc> type() {
        return SysVIpc.class;
    }

    @Override
    public SysVIpc bind(SystemCalls caller) {
        return new SysVIpcImpl(caller, this);
    }

    /** The partition's namespace, created on its first call; a namespace of an earlier node boot is replaced. */
    IpcNamespace namespace(SystemCalls caller) {
        IpcNamespace current = namespaces.get(caller.partition());
        if (current != null && current.node == caller.node()) {
            return current;
        }
        return namespaces.compute(caller.partition(), (name, existing) -> existing != null && existing.node == caller.node()
                ? existing : new IpcNamespace(name, caller.node(), Limits.of(caller)));
    }

    // ---- PartitionListener

    @Override
    public void partitionChanged(PartitionEvent event) {
        boolean ends = event.to().isEmpty() || event.to().get() == PartitionState.STOPPED
                || event.to().get() == PartitionState.BROKEN;
        if (ends) {
            IpcNamespace namespace = namespaces.remove(event.partition());
            if (namespace != null) {
                namespace.release();
            }
        }
    }

    @Override
    public void processEnded(String partition, ProcessInfo process) {
        IpcNamespace namespace = namespaces.get(partition);
        if (namespace == null) {
            return;
        }
        int semvmx = namespace.limits.semvmx();
        for (IpcObject object : namespace.all()) {
            if (object instanceof SemSet set) {
                set.exit(process.vpid(), semvmx);
            } else if (object instanceof ShmSegment segment) {
                detachAll(namespace, segment, process.vpid());
            }
        }
    }

    /** A process that ends detaches whatever it had attached, as exit(2) does. */
    private static void detachAll(IpcNamespace namespace, ShmSegment segment, int vpid) {
        boolean destroy;
        segment.lock.lock();
        try {
            if (segment.attaches.remove(vpid) == null) {
                return;
            }
            segment.restored.remove(vpid);
            segment.dtime = IpcObject.now();
            destroy = segment.removed && segment.nattch() == 0;
        } finally {
            segment.lock.unlock();
        }
        if (destroy) {
            namespace.destroy(segment);
        }
    }

    // ---- CheckpointParticipant

    @Override
    public String section() {
        return IpcSection.NAME;
    }

    @Override
    public int version() {
        return IpcSection.VERSION;
    }

    @Override
    public void checkpoint(CheckpointContext context, SectionOutput out) throws IOException {
        IpcSection.write(namespaces.get(context.partition()), out, null);
    }

    @Override
    public PreCopy preCopy(CheckpointContext context) {
        String partition = context.partition();
        return new SharedMemoryPreCopy<ShmSegment>(copies.open(), () -> {
            IpcNamespace namespace = namespaces.get(partition);
            if (namespace == null) {
                return List.of();
            }
            synchronized (namespace) {
                return List.copyOf(namespace.segments.values());
            }
        }, (out, copy) -> IpcSection.write(namespaces.get(partition), out, copy));
    }

    @Override
    public void restore(RestoreContext context, int version, SectionInput in) throws IOException {
        IpcNamespace restored = IpcSection.read(
                new IpcNamespace(context.partition(), context.kernel(), Limits.of(context.spec()::limit)), in, version, copies);
        IpcNamespace previous = namespaces.put(context.partition(), restored);
        if (previous != null && previous != restored) {
            previous.release();
        }
    }

    @Override
    public void discard(RestoreContext context) {
        IpcNamespace namespace = namespaces.remove(context.partition());
        if (namespace != null) {
            namespace.release();
        }
    }

    // ---- IpcAdmin

    @Override
    public List<IpcObjectInfo> list(Optional<String> partition) {
        List<IpcObjectInfo> infos = new ArrayList<>();
        namespaces.values().stream().filter(ns -> partition.map(ns.partition::equals).orElse(true))
                .sorted((a, b) -> a.partition.compareTo(b.partition)).forEach(namespace -> {
                    for (IpcObject object : namespace.all()) {
                        object.lock.lock();
                        try {
                            infos.add(info(namespace.partition, object));
                        } finally {
                            object.lock.unlock();
                        }
                    }
                });
        return infos;
    }

    private static IpcObjectInfo info(String partition, IpcObject object) {
        if (object instanceof MsgQueue queue) {
            return new IpcObjectInfo(partition, "msg", queue.id, queue.realId, queue.perm.snapshot(), queue.cbytes,
                    queue.messages.size(), false);
        }
        if (object instanceof SemSet set) {
            return new IpcObjectInfo(partition, "sem", set.id, set.realId, set.perm.snapshot(), set.values.length, 0, false);
        }
        ShmSegment segment = (ShmSegment) object;
        return new IpcObjectInfo(partition, "shm", segment.id, segment.realId, segment.perm.snapshot(),
                segment.bytes.length, segment.nattch(), segment.removed);
    }

    @Override
    public void remove(String partition, String kind, int id) {
        IpcNamespace namespace = namespaces.get(partition);
        if (namespace == null) {
            throw new KernelException(Errno.EINVAL, "ipcrm: partition '" + partition + "' has no IPC objects");
        }
        switch (kind) {
            case "msg" -> namespace.remove(namespace.queue(id, "ipcrm"));
            case "sem" -> namespace.remove(namespace.semaphores(id, "ipcrm"));
            case "shm" -> namespace.removeSegment(namespace.segment(id, "ipcrm"));
            default -> throw new KernelException(Errno.EINVAL, "ipcrm: kind must be msg, sem or shm, not '" + kind + "'");
        }
    }
}
