package dev.haven.accounting;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;

import dev.haven.api.accounting.ProcessMeter;
import dev.haven.api.accounting.Resource;
import dev.haven.api.partition.ProcessStatus;

/**
 * One process's meter. Kernel calls and subsystem usage count only while its partition is metered (one volatile
 * read when it is not); CPU time is read from the thread's own clock, by the ticker while the process runs and by
 * the thread itself at its end; wall time is its elapsed time.
 */
final class ProcessMeterImpl implements ProcessMeter {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    final Account account;
    final String node;
    final int pid;
    final String workload;
    final Instant started;
    private final long startNanos = System.nanoTime();
    private final long threadId = Thread.currentThread().getId();
    private final Cells cells = new Cells();
    private final AccountingEngine engine;

    ProcessMeterImpl(AccountingEngine engine, Account account, String node, int pid, String workload, Instant started) {
        this.engine = engine;
        this.account = account;
        this.node = node;
        this.pid = pid;
        this.workload = workload;
        this.started = started;
    }

    @Override
    public void kernelCall(String name) {
        if (account.metering) {
            cells.call(name);
        }
    }

    /** A gauge given here is harmless: its level is always replaced by the gauges' sample at each tick. */
    @Override
    public void add(Resource resource, long amount) {
        if (account.metering) {
            cells.add(resource, amount);
        }
    }

    @Override
    public void ended(ProcessStatus status, long cpuNanos) {
        engine.ended(this, status, usage(cpuNanos));
    }

    /** What the running process has used so far, sampled from another thread. */
    Tally sample() {
        long cpu = THREADS.isThreadCpuTimeSupported() ? Math.max(0, THREADS.getThreadCpuTime(threadId)) : 0;
        return usage(cpu);
    }

    private Tally usage(long cpuNanos) {
        Tally tally = new Tally();
        cells.addTo(tally);
        tally.add(Resource.CPU, cpuNanos);
        tally.add(Resource.WALL, System.nanoTime() - startNanos);
        return tally;
    }
}
