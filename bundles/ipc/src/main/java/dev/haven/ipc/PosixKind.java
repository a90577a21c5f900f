package dev.haven.ipc;

import java.util.Arrays;

import dev.haven.api.ipc.Posix;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;

/** The three kinds of POSIX object: each has its own names, as Linux keeps them in different places. */
enum PosixKind {
    SEM("posix-sem", "sem", Posix.SEM_NAME_MAX),
    MQ("posix-mq", "mq", Posix.NAME_MAX),
    SHM("posix-shm", "shm", Posix.NAME_MAX);

    final String label;
    final String prefix;
    final int nameMax;

    PosixKind(String label, String prefix, int nameMax) {
        this.label = label;
        this.prefix = prefix;
        this.nameMax = nameMax;
    }

    static PosixKind of(String label) {
        return Arrays.stream(values()).filter(kind -> kind.label.equals(label)).findFirst().orElseThrow(
                () -> new KernelException(Errno.EINVAL, "the kind must be posix-sem, posix-mq or posix-shm, not '" + label + "'"));
    }

    /**
     * Checks a name as Linux does for this kind: glibc's {@code __shm_get_name} for semaphores and shared memory
     * (EINVAL for an empty name or another slash), the mqueue file system for queues ({@code "/"} alone is ENOENT and
     * another slash EACCES, as mq_open(3) says); a leading slash is required (EINVAL) for all, as the man pages'
     * portable form has it.
     */
    void checkName(String name, String call) {
        if (name == null || !name.startsWith("/")) {
            throw new KernelException(Errno.EINVAL, call + ": the name must start with '/': " + name);
        }
        String rest = name.substring(1);
        if (rest.isEmpty()) {
            throw new KernelException(this == MQ ? Errno.ENOENT : Errno.EINVAL, call + ": the name '/' names nothing");
        }
        if (rest.indexOf('/') >= 0) {
            throw new KernelException(this == MQ ? Errno.EACCES : Errno.EINVAL, call + ": the name " + name
                    + " has a slash after the first");
        }
        if (rest.indexOf('\0') >= 0) {
            throw new KernelException(Errno.EINVAL, call + ": the name contains a NUL character");
        }
        if (rest.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > nameMax) {
            throw new KernelException(Errno.ENAMETOOLONG, call + ": the name is longer than " + nameMax + " bytes after its slash");
        }
    }
}
