package dev.haven.api.ipc;

import java.util.Objects;

/**
 * A message as {@code mq_receive} returns it.
 *
 * @param data its bytes
 * @param priority its priority, {@code 0 .. MQ_PRIO_MAX - 1}
 */
public record MqMessage(byte[] data, int priority) {
    public MqMessage {
        Objects.requireNonNull(data, "data");
    }
}
