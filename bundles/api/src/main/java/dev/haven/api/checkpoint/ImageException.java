package dev.haven.api.checkpoint;

import java.io.IOException;
import java.util.Objects;

/** An image could not be written, found, or trusted. The message names the damaged part. */
public class ImageException extends IOException {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        NOT_FOUND,
        /** Bad magic, a checksum mismatch, an impossible field. */
        CORRUPT,
        /** The file ends before its table of contents says it should. */
        TRUNCATED,
        UNSUPPORTED_VERSION,
        /** A section no participant owns, or one in a version its participant cannot read. */
        UNKNOWN_SECTION,
        /** A length beyond the reader's bounds. */
        TOO_LARGE,
        IO_ERROR
    }

    private final Reason reason;

    public ImageException(Reason reason, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ImageException(Reason reason, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
