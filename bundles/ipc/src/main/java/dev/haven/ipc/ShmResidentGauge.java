package dev.haven.ipc;

import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.haven.api.accounting.Resource;
import dev.haven.api.accounting.ResourceGauge;
import dev.haven.api.ipc.IpcAdmin;
import dev.haven.api.ipc.IpcObjectInfo;

/**
 * Shared memory resident for accounting: the bytes of the partition's System V segments, removed-but-attached
 * ones included (they still hold their memory). Segments are allocated whole when created, so their size is what
 * they hold resident.
 */
@Component(service = ResourceGauge.class)
public final class ShmResidentGauge implements ResourceGauge {
    private final IpcAdmin ipc;

    @Activate
    public ShmResidentGauge(@Reference IpcAdmin ipc) {
        this.ipc = ipc;
    }

    @Override
    public Resource resource() {
        return Resource.SHM_RESIDENT;
    }

    @Override
    public long sample(String partition) {
        return ipc.list(Optional.of(partition)).stream().filter(object -> object.kind().equals("shm"))
                .mapToLong(IpcObjectInfo::size).sum();
    }
}
