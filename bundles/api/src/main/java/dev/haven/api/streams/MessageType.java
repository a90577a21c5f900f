package dev.haven.api.streams;

/**
 * The types of STREAMS messages, with their SVR4 codes ({@code sys/stream.h}). Types at or above
 * {@code QPCTL} (0x80) are high priority: they go ahead of every normal message on a queue and are
 * never held back by flow control.
 */
public enum MessageType {
    M_DATA(0x00),
    M_PROTO(0x01),
    M_BREAK(0x08),
    M_SIG(0x0b),
    M_DELAY(0x0c),
    M_CTL(0x0d),
    M_IOCTL(0x0e),
    M_SETOPTS(0x10),
    M_IOCACK(0x81),
    M_IOCNAK(0x82),
    M_PCPROTO(0x83),
    M_PCSIG(0x84),
    M_FLUSH(0x86),
    M_STOP(0x87),
    M_START(0x88),
    M_HANGUP(0x89),
    M_ERROR(0x8a),
    M_COPYIN(0x8b),
    M_COPYOUT(0x8c),
    M_IOCDATA(0x8d);

    /** The boundary between normal and high-priority types. */
    public static final int QPCTL = 0x80;

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    /** The SVR4 value of {@code db_type}. */
    public int code() {
        return code;
    }

    /** Whether this type is high priority ({@code code >= QPCTL}). */
    public boolean highPriority() {
        return code >= QPCTL;
    }

    /** The type with that code. */
    public static MessageType of(int code) {
        for (MessageType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        throw new IllegalArgumentException("no STREAMS message type has code 0x" + Integer.toHexString(code));
    }
}
