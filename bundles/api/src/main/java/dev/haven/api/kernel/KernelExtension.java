package dev.haven.api.kernel;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: a kernel subsystem (IPC, STREAMS, ptys) offers its system-call interface to workloads by
 * registering one of these. {@link PartitionKernel#extension} binds it to the calling process once.
 *
 * @param <T> the system-call interface, e.g. {@code dev.haven.api.ipc.SysVIpc}
 */
@ConsumerType
public interface KernelExtension<T> {

    /** The interface workloads ask for. */
    Class<T> type();

    /** The interface as one process calls it; every call must go through {@link SystemCalls#call}. */
    T bind(SystemCalls caller);
}
