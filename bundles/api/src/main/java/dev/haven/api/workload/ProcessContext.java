package dev.haven.api.workload;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import dev.haven.api.kernel.PartitionKernel;

/** What a running process is given: its kernel, its arguments and its saved state. */
@ProviderType
public interface ProcessContext {

    /** The partition kernel, the only way a workload reaches the world. */
    PartitionKernel kernel();

    /** The arguments the process was spawned with (without the workload name). */
    List<String> args();

    /** The explicit saved state that a checkpoint captures and a restart gives back. */
    SavedState state();

    /** Whether this run resumes a process restored from a checkpoint image. */
    boolean resumed();
}
