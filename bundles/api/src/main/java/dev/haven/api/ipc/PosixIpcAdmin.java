package dev.haven.api.ipc;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** The operator's view of POSIX IPC objects: {@code ipcs} and {@code ipcrm} for them. */
@ProviderType
public interface PosixIpcAdmin {

    /** The objects of one partition, or of all; by partition, kind and name. */
    List<PosixObjectInfo> list(Optional<String> partition);

    /**
     * Unlinks an object's name as {@code sem_unlink}, {@code mq_unlink} or {@code shm_unlink} would; it lives on
     * while open.
     *
     * @param kind "posix-sem", "posix-mq" or "posix-shm"
     * @throws dev.haven.api.kernel.KernelException ENOENT if there is no such name, EINVAL for an unknown kind
     */
    void unlink(String partition, String kind, String name);
}
