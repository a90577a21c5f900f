package dev.haven.api.ipc;

import java.util.Objects;

/**
 * A System V message: a positive type and its bytes.
 *
 * @param type {@code mtype}, at least 1
 * @param data {@code mtext}
 */
public record Message(long type, byte[] data) {
    public Message {
        Objects.requireNonNull(data, "data");
    }
}
