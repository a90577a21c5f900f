package dev.haven.ipc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
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
import dev.haven.api.ipc.IpcPerm;
import dev.haven.api.ipc.PosixIpc;
import dev.haven.api.ipc.PosixIpcAdmin;
import dev.haven.api.ipc.PosixObjectInfo;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.KernelExtension;
import dev.haven.api.kernel.SystemCalls;
import dev.haven.api.partition.PartitionEvent;
import dev.haven.api.partition.PartitionListener;
import dev.haven.api.partition.PartitionState;
import dev.haven.api.partition.ProcessInfo;
import dev.haven.api.partition.ProcessStatus;

/**
 * The POSIX IPC virtualizer, beside the System V one and built the same way: one namespace of names, objects and
 * per-process handles per partition, reached by workloads as the {@link PosixIpc} kernel extension, written into
 * images as the {@code posix-ipc} section, shown to operators through {@link PosixIpcAdmin}. A namespace ends with
 * its partition's running instance (stop, node failure, destroy).
 */
@Component(service = { KernelExtension.class, CheckpointParticipant.class, PosixIpcAdmin.class, PartitionListener.class })
public final class PosixVirtualizer implements KernelExtension<PosixIpc>, PreCopyParticipant, PosixIpcAdmin, PartitionListener {
    private final Map<String, PosixNamespace> namespaces = new ConcurrentHashMap<>();
    /** Copies of live migrations under way, which the target's restore takes shm contents from. */
    private final PageCopy.Registry copies = new PageCopy.Registry();

    // ---- KernelExtension

    @Override
    public Class<PosixIpc> type() {
        return PosixIpc.class;
    }

    @Override
    public PosixIpc bind(SystemCalls caller) {
        return new PosixIpcImpl(caller, this);
    }

    /** The partition's namespace, created on its first call; a namespace of an earlier node boot is replaced. */
    PosixNamespace namespace(SystemCalls caller) {
        PosixNamespace current = namespaces.get(caller.partition());
        if (current != null && current.node == caller.node()) {
            return current;
        }
        return namespaces.compute(caller.partition(), (name, existing) -> existing != null && existing.node == caller.node()
                ? existing : new PosixNamespace(name, caller.node()));
    }

    // ---- PartitionListener

    @Override
    public void partitionChanged(PartitionEvent event) {
        boolean ends = event.to().isEmpty() || event.to().get() == PartitionState.STOPPED
                || event.to().get() == PartitionState.BROKEN;
        if (ends) {
            PosixNamespace namespace = namespaces.remove(event.partition());
            if (namespace != null) {
                namespace.release();
            }
        }
    }

    /**
     * A process that ends closes its handles and unmaps its mappings, as exit(2) does; one ended by a checkpoint or
     * lost with its node keeps them, for it comes back from the image with them.
     */
    @Override
    public void processEnded(String partition, ProcessInfo process) {
        if (process.status() == ProcessStatus.CHECKPOINTED || process.status() == ProcessStatus.LOST) {
            return;
        }
        PosixNamespace namespace = namespaces.get(partition);
        if (namespace != null) {
            namespace.exit(process.vpid());
        }
    }

    // ---- CheckpointParticipant

    @Override
    public String section() {
        return PosixSection.NAME;
    }

    @Override
    public int version() {
        return PosixSection.VERSION;
    }

    @Override
    public void checkpoint(CheckpointContext context, SectionOutput out) throws IOException {
        PosixSection.write(namespaces.get(context.partition()), out, null);
    }

    @Override
    public PreCopy preCopy(CheckpointContext context) {
        String partition = context.partition();
        return new SharedMemoryPreCopy<PosixShm>(copies.open(), () -> {
            PosixNamespace namespace = namespaces.get(partition);
            if (namespace == null) {
                return List.of();
            }
            synchronized (namespace) {
                return namespace.objects.values().stream().filter(PosixShm.class::isInstance).map(PosixShm.class::cast)
                        .toList();
            }
        }, (out, copy) -> PosixSection.write(namespaces.get(partition), out, copy));
    }

    @Override
    public void restore(RestoreContext context, int version, SectionInput in) throws IOException {
        PosixNamespace restored = PosixSection.read(new PosixNamespace(context.partition(), context.kernel()), in,
                PosixLimits.of(context.spec()::limit), version, copies);
        PosixNamespace previous = namespaces.put(context.partition(), restored);
        if (previous != null && previous != restored) {
            previous.release();
        }
    }

    @Override
    public void discard(RestoreContext context) {
        PosixNamespace namespace = namespaces.remove(context.partition());
        if (namespace != null) {
            namespace.release();
        }
    }

    // ---- PosixIpcAdmin

    @Override
    public List<PosixObjectInfo> list(Optional<String> partition) {
        List<PosixObjectInfo> infos = new ArrayList<>();
        namespaces.values().stream().filter(ns -> partition.map(ns.partition::equals).orElse(true))
                .sorted(Comparator.comparing(ns -> ns.partition)).forEach(namespace -> {
                    List<PosixObjectInfo> objects = new ArrayList<>();
                    for (PosixObject object : namespace.all()) {
                        objects.add(info(namespace, object));
                    }
                    objects.sort(Comparator.comparing(PosixObjectInfo::kind).thenComparing(PosixObjectInfo::name)
                            .thenComparing(PosixObjectInfo::unlinked));
                    infos.addAll(objects);
                });
        return infos;
    }

    private static PosixObjectInfo info(PosixNamespace namespace, PosixObject object) {
        List<String> holders = namespace.holders(object);
        int opens;
        boolean unlinked;
        int mappings = 0;
        synchronized (namespace) {
            opens = object.opens;
            unlinked = object.unlinked;
            if (object instanceof PosixShm shm) {
                mappings = shm.mappings;
            }
        }
        object.lock.lock();
        try {
            IpcPerm perm = object.perm.snapshot();
            if (object instanceof PosixSem sem) {
                return new PosixObjectInfo(namespace.partition, object.kind(), object.name, object.realId, perm, sem.value,
                        sem.waiters, 0, 0, object.ctime, object.mtime, object.lpid, opens, unlinked, holders);
            }
            if (object instanceof PosixMq queue) {
                return new PosixObjectInfo(namespace.partition, object.kind(), object.name, object.realId, perm, queue.bytes,
                        queue.curmsgs, queue.maxmsg, queue.msgsize, object.ctime, object.mtime, object.lpid, opens, unlinked,
                        holders);
            }
            return new PosixObjectInfo(namespace.partition, object.kind(), object.name, object.realId, perm,
                    ((PosixShm) object).bytes.length, mappings, 0, 0, object.ctime, object.mtime, object.lpid, opens, unlinked,
                    holders);
        } finally {
            object.lock.unlock();
        }
    }

    @Override
    public void unlink(String partition, String kind, String name) {
        PosixKind posixKind = PosixKind.of(kind);
        String call = "ipcrm";
        posixKind.checkName(name, call);
        PosixNamespace namespace = namespaces.get(partition);
        if (namespace == null) {
            throw new KernelException(Errno.ENOENT, call + ": partition '" + partition + "' has no POSIX IPC objects");
        }
        namespace.unlink(posixKind, name, Credentials.ROOT, call);
    }
}
