package dev.haven.api.kernel;

import java.util.Objects;

/**
 * A kernel call failed with a POSIX errno. The message names the call and says why, for example
 * {@code "msgget: EEXIST: key 0x1234 exists and IPC_CREAT|IPC_EXCL was given"}.
 */
public class KernelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Errno errno;

    public KernelException(Errno errno, String message) {
        super(errno.name() + ": " + Objects.requireNonNull(message, "message"));
        this.errno = errno;
    }

    /** The errno a C program would see. */
    public Errno errno() {
        return errno;
    }
}
