package dev.haven.kernel;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.haven.api.kernel.Credentials;
import dev.haven.api.partition.ProcessInfo;
import dev.haven.api.partition.ProcessStatus;

/**
 * One process: a thread running a workload inside a partition. Its status moves once from RUNNING
 * to an end; {@link #terminate} asks it to end at its next kernel call.
 */
final class KernelProcess {
    private final Partition partition;
    private final int vpid;
    private final int realPid;
    private final String workload;
    private final List<String> args;
    private final Credentials credentials;
    private final Instant started;
    private final ProcessSavedState state;
    private final boolean resumed;

    /** Set once by {@link #terminate}; the status the process will end with. */
    private volatile ProcessStatus pendingEnd;
    /** Guarded by this. */
    private ProcessStatus status = ProcessStatus.RUNNING;
    private Integer exitStatus;
    private String error;
    private Thread thread;

    KernelProcess(Partition partition, int vpid, int realPid, String workload, List<String> args,
            Credentials credentials, Instant started, ProcessSavedState state, boolean resumed) {
        this.partition = partition;
        this.vpid = vpid;
        this.realPid = realPid;
        this.workload = workload;
        this.args = List.copyOf(args);
        this.credentials = credentials;
        this.started = started;
        this.state = state;
        this.resumed = resumed;
    }

    Partition partition() {
        return partition;
    }

    int vpid() {
        return vpid;
    }

    int realPid() {
        return realPid;
    }

    String workload() {
        return workload;
    }

    List<String> args() {
        return args;
    }

    Credentials credentials() {
        return credentials;
    }

    Instant started() {
        return started;
    }

    ProcessSavedState state() {
        return state;
    }

    boolean resumed() {
        return resumed;
    }

    synchronized void attach(Thread runner) {
        this.thread = runner;
    }

    /** Throws the process's termination if it has been asked to end or its partition lost its lease. */
    void checkAlive() {
        ProcessStatus end = pendingEnd;
        if (end == null && !partition.leaseValid()) {
            terminate(ProcessStatus.LOST);
            end = pendingEnd;
        }
        if (end != null) {
            throw new ProcessTermination(end);
        }
    }

    /** Asks the process to end with the given status; the first request wins. */
    void terminate(ProcessStatus end) {
        synchronized (this) {
            if (pendingEnd != null || status.ended()) {
                return;
            }
            pendingEnd = end;
        }
        wake();
        partition.gate().wakeAll();
    }

    /** Interrupts whatever the process waits in. */
    synchronized void wake() {
        if (thread != null) {
            thread.interrupt();
        }
    }

    synchronized void ended(ProcessStatus end, Integer exit, String failure) {
        status = end;
        exitStatus = exit;
        error = failure;
        notifyAll();
    }

    synchronized boolean alive() {
        return !status.ended();
    }

    /** Alive and not asked to end: what counts toward the partition's processes and limits. */
    synchronized boolean running() {
        return !status.ended() && pendingEnd == null;
    }

    /** Waits up to {@code millis} for the process to end; true if it has. */
    synchronized boolean awaitEnd(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!status.ended()) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** A process asked to end is shown with the status it is ending with: its thread is only unwinding. */
    synchronized ProcessInfo info() {
        ProcessStatus shown = status == ProcessStatus.RUNNING && pendingEnd != null ? pendingEnd : status;
        return new ProcessInfo(vpid, workload, args, credentials, shown, Optional.ofNullable(exitStatus),
                Optional.ofNullable(error), started, state.render());
    }
}
