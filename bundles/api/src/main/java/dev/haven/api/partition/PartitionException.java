package dev.haven.api.partition;

import java.util.Objects;

/**
 * A partition request was refused. Nothing was changed. The message is written for the operator;
 * {@link #reason()} is for code that must tell the cases apart.
 */
public class PartitionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a request was refused. */
    public enum Reason {
        INVALID_NAME,
        INVALID_ARGUMENT,
        DUPLICATE,
        UNKNOWN_PARTITION,
        UNKNOWN_NODE,
        NODE_DOWN,
        UNKNOWN_WORKLOAD,
        UNKNOWN_PROCESS,
        WRONG_STATE,
        LIMIT,
        NO_FIRMWARE,
        IO_ERROR,
        /** A wait ran out of time; nothing changed. */
        TIMEOUT
    }

    private final Reason reason;

    public PartitionException(Reason reason, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public PartitionException(Reason reason, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
