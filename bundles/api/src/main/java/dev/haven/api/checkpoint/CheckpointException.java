package dev.haven.api.checkpoint;

import java.util.Objects;

/** A checkpoint, restart or migration did not happen; the partition is as it was. */
public class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        UNKNOWN_PARTITION,
        NOT_CHECKPOINTABLE,
        WRONG_STATE,
        /** Processes did not reach their safe points in time. */
        FREEZE_TIMEOUT,
        /** A participant refused (WPAR_CHECKPOINT_DENY). */
        VETOED,
        /** The image is missing, damaged, or holds a section no participant can read. */
        IMAGE_INVALID,
        UNKNOWN_NODE,
        NODE_DOWN,
        NO_IMAGE_STORE,
        FAILED
    }

    private final Reason reason;

    public CheckpointException(Reason reason, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public CheckpointException(Reason reason, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
