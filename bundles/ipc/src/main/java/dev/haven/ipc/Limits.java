package dev.haven.ipc;

import dev.haven.api.kernel.SystemCalls;

/**
 * The System V limits of a partition: its spec's values, else these defaults (Linux's, except shared
 * memory, which a partition must not be able to grow past a fair share of the node).
 */
record Limits(long msgmni, long msgmax, long msgmnb, long semmni, long semmsl, long semmns, long semopm, int semvmx,
        long shmmni, long shmmax, long shmall) {
    static final int PAGE = 4096;

    /** Where limits come from: a caller's partition, or the spec in an image. */
    interface Source {
        long limit(String name, long defaultValue);
    }

    static Limits of(SystemCalls caller) {
        return of((Source) caller::limit);
    }

    static Limits of(Source caller) {
        return new Limits(caller.limit("msgmni", 32000), caller.limit("msgmax", 8192), caller.limit("msgmnb", 16384),
                caller.limit("semmni", 32000), caller.limit("semmsl", 32000), caller.limit("semmns", 1_024_000_000),
                caller.limit("semopm", 500), (int) Math.min(Integer.MAX_VALUE, caller.limit("semvmx", 32767)),
                caller.limit("shmmni", 4096), Math.min(Integer.MAX_VALUE - 8, caller.limit("shmmax", 64L << 20)),
                caller.limit("shmall", (256L << 20) / PAGE));
    }
}
