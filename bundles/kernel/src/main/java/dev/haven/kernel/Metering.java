package dev.haven.kernel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.function.Supplier;

import dev.haven.api.accounting.ProcessMeter;
import dev.haven.api.accounting.UsageSink;
import dev.haven.api.checkpoint.CheckpointResult;
import dev.haven.api.checkpoint.MigrationResult;
import dev.haven.api.checkpoint.RestartResult;

/**
 * The kernel's side of accounting: reports to the {@link UsageSink} if one is installed and nothing otherwise.
 * Kept apart so the process runner and the checkpoint service each need one line.
 */
final class Metering {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Supplier<UsageSink> sink;

    Metering(Supplier<UsageSink> sink) {
        this.sink = sink;
    }

    /** Called on the process's own thread as it starts. */
    ProcessMeter start(KernelProcess process) {
        UsageSink current = sink.get();
        if (current == null) {
            return ProcessMeter.NONE;
        }
        Partition partition = process.partition();
        return current.processStarted(partition.name(), partition.node(), process.vpid(), process.workload(), process.started());
    }

    /** The CPU time of the calling thread, or 0 where the JVM cannot measure it. */
    static long threadCpu() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? Math.max(0, THREADS.getCurrentThreadCpuTime()) : 0;
    }

    CheckpointResult checkpointed(String partition, CheckpointResult result) {
        UsageSink current = sink.get();
        if (current != null) {
            current.checkpointed(partition, result.freezeTime(), result.image().size());
        }
        return result;
    }

    RestartResult restarted(RestartResult result) {
        UsageSink current = sink.get();
        if (current != null) {
            current.restarted(result.partition().name());
        }
        return result;
    }

    /** A migration is a checkpoint on the source and a restart on the target. */
    MigrationResult migrated(MigrationResult result) {
        UsageSink current = sink.get();
        if (current != null) {
            current.checkpointed(result.partition(), result.freezeTime(), result.image().size());
            current.restarted(result.partition());
        }
        return result;
    }
}
