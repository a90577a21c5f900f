package dev.haven.api.partition;

/** Where a process is in its life. */
public enum ProcessStatus {
    /** Running, or blocked in a kernel call. */
    RUNNING,
    /** Returned from its workload with an exit status. */
    EXITED,
    /** Its workload threw; the error is kept in {@link ProcessInfo#error()}. */
    CRASHED,
    /** Killed by {@code partition:kill} or by the partition stopping. */
    KILLED,
    /** Lost with its node (a node failure); a restart from a checkpoint brings it back. */
    LOST,
    /** Ended by a checkpoint taken with {@code --stop}; a restart brings it back. */
    CHECKPOINTED;

    /** Whether the process has ended. */
    public boolean ended() {
        return this != RUNNING;
    }
}
