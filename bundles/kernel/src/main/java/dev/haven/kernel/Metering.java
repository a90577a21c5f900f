package dev.haven.kernel;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.Supplier;

import dev.haven.api.accounting.ProcessMeter;
import dev.haven.api.accounting.UsageSink;
import dev.haven.api.checkpoint.CheckpointResult;
import dev.haven.api.checkpoint.MigrationResult;
import dev.haven.api.checkpoint.RestartResult;
import dev.haven.api.partition.ProcessStatus;

/**
 * The kernel's side of accounting: reports to the {@link UsageSink} if one is installed and nothing otherwise.
 * Kept apart so the process runner and the checkpoint service each need one line. A failing sink is logged and
 * never fails a process, a checkpoint or a restart.
 */
final class Metering {
    private static final System.Logger LOG = System.getLogger(Metering.class.getName());
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
        try {
            return current.processStarted(partition.name(), partition.node(), process.vpid(), process.workload(),
                    process.started());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "accounting failed at the start of process " + process.vpid() + " of " + partition.name(), e);
            return ProcessMeter.NONE;
        }
    }

    /** Called on the process's own thread as it ends, with the thread's CPU time. */
    static void ended(ProcessMeter meter, ProcessStatus end) {
        try {
            meter.ended(end, THREADS.isCurrentThreadCpuTimeSupported() ? Math.max(0, THREADS.getCurrentThreadCpuTime()) : 0);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "accounting failed at the end of a process", e);
        }
    }

    private static void report(String what, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "accounting failed to record " + what, e);
        }
    }

    CheckpointResult checkpointed(String partition, CheckpointResult result) {
        UsageSink current = sink.get();
        if (current != null) {
            report("a checkpoint of " + partition, () -> current.checkpointed(partition, result.freezeTime(), result.image().size()));
        }
        return result;
    }

    RestartResult restarted(RestartResult result) {
        UsageSink current = sink.get();
        if (current != null) {
            report("a restart of " + result.partition().name(), () -> current.restarted(result.partition().name()));
        }
        return result;
    }

    /** A migration is a checkpoint on the source and a restart on the target. */
    MigrationResult migrated(MigrationResult result) {
        UsageSink current = sink.get();
        if (current != null) {
            report("a migration of " + result.partition(), () -> {
                current.checkpointed(result.partition(), result.freezeTime(), result.image().size());
                current.restarted(result.partition());
            });
        }
        return result;
    }
}
