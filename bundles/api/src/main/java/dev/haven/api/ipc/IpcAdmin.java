package dev.haven.api.ipc;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** The operator's view of IPC objects: {@code ipcs} and {@code ipcrm}. */
@ProviderType
public interface IpcAdmin {

    /** The objects of one partition, or of all; by partition, kind and id. */
    List<IpcObjectInfo> list(Optional<String> partition);

    /**
     * Removes an object as its owner's {@code IPC_RMID} would.
     *
     * @param kind "msg", "sem" or "shm"
     * @throws dev.haven.api.kernel.KernelException EINVAL if there is no such object
     */
    void remove(String partition, String kind, int id);
}
