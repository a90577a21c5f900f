package dev.haven.api.firmware;

import java.util.Objects;

/** The firmware refused a request; nothing changed. */
public class FirmwareException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        UNKNOWN_NODE,
        NODE_DOWN,
        NODE_UP,
        ALREADY_HOSTED,
        EXHAUSTED,
        NOT_SUPPORTED
    }

    private final Reason reason;

    public FirmwareException(Reason reason, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
