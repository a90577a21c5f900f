package dev.haven.api.workload;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Java code that runs as a process inside a partition. Register an implementation as an OSGi service
 * and it can be spawned by its {@link #name()}. A workload touches the world only through
 * {@link ProcessContext#kernel()}, and keeps everything it needs to resume in
 * {@link ProcessContext#state()}: after a restart from a checkpoint, {@link #run} is called again
 * with the saved state as it was at the checkpoint and {@link ProcessContext#resumed()} true.
 */
@ConsumerType
public interface Workload {

    /** The name processes are spawned by; {@code [a-z][a-z0-9-]{0,30}}, unique among workloads. */
    String name();

    /** One line for {@code partition:workloads} and the help. */
    default String description() {
        return "";
    }

    /**
     * Runs the process to its end.
     *
     * @return the exit status, 0..255, as {@code exit(3)} takes it
     * @throws Exception any failure; the process then ends as crashed and the error is kept for
     *         {@code partition:ps}
     */
    int run(ProcessContext context) throws Exception;
}
