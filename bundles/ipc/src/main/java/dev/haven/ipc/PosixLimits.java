package dev.haven.ipc;

/**
 * The POSIX IPC limits of a partition: its spec's values, else Linux's defaults ({@code /proc/sys/fs/mqueue},
 * {@code RLIMIT_NOFILE}, {@code file-max}); shared memory bounded like the System V segments.
 */
record PosixLimits(long queuesMax, long msgMax, long msgsizeMax, long msgDefault, long msgsizeDefault, long nofile,
        long files, long shmMax, long shmTotal) {
    /** Linux's ceilings for a queue of a process with CAP_SYS_RESOURCE ({@code HARD_MSGMAX}, {@code HARD_MSGSIZEMAX}). */
    static final long HARD_MSGMAX = 65536;
    static final long HARD_MSGSIZEMAX = 16L << 20;

    static PosixLimits of(Limits.Source source) {
        long msgMax = source.limit("mqueue.msg_max", 10);
        long msgsizeMax = source.limit("mqueue.msgsize_max", 8192);
        return new PosixLimits(source.limit("mqueue.queues_max", 256), msgMax, msgsizeMax,
                Math.min(msgMax, source.limit("mqueue.msg_default", 10)),
                Math.min(msgsizeMax, source.limit("mqueue.msgsize_default", 8192)), source.limit("posix.nofile", 1024),
                source.limit("posix.files", 8192), Math.min(Integer.MAX_VALUE - 8, source.limit("posix.shm_max", 64L << 20)),
                source.limit("posix.shm_total", 256L << 20));
    }
}
