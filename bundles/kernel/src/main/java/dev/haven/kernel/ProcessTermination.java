package dev.haven.kernel;

import dev.haven.api.partition.ProcessStatus;

/**
 * Unwinds a process that must end: killed, its partition stopped, or its lease lost. It is an
 * {@link Error} so that a workload's {@code catch (Exception e)} does not swallow it; the process
 * runner turns it into the process's final status.
 */
final class ProcessTermination extends Error {
    private static final long serialVersionUID = 1L;

    private final ProcessStatus status;

    ProcessTermination(ProcessStatus status) {
        super("process terminated: " + status, null, false, false);
        this.status = status;
    }

    ProcessStatus status() {
        return status;
    }
}
