package dev.haven.api.ipc;

/**
 * The flag values and limits of POSIX IPC as Linux (x86-64) has them: {@code <fcntl.h>},
 * {@code <sys/mman.h>}, {@code <semaphore.h>}, {@code <mqueue.h>}.
 */
public final class Posix {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 01;
    public static final int O_RDWR = 02;
    /** The access-mode bits of an oflag. */
    public static final int O_ACCMODE = 03;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_TRUNC = 01000;
    public static final int O_NONBLOCK = 04000;

    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;

    /** The largest value of a semaphore ({@code INT_MAX} on Linux). */
    public static final int SEM_VALUE_MAX = Integer.MAX_VALUE;
    /** Priorities are {@code 0 .. MQ_PRIO_MAX - 1}. */
    public static final int MQ_PRIO_MAX = 32768;
    /** The longest name after its slash ({@code NAME_MAX}); a semaphore's is 4 shorter, for glibc's "sem." prefix. */
    public static final int NAME_MAX = 255;
    public static final int SEM_NAME_MAX = NAME_MAX - 4;

    private Posix() {
    }
}
