package dev.haven.api.streams;

import java.nio.ByteBuffer;

/**
 * The {@code stroptions} of an M_SETOPTS message, which a module or driver sends up to set stream head
 * options. Only the fields whose {@code SO_*} bit is in {@code flags} take effect.
 */
public record StrOptions(int flags, int readOptions, int minPacket, int maxPacket, int hiwat, int lowat) {
    public static final int SO_READOPT = 0x0001;
    public static final int SO_MINPSZ = 0x0004;
    public static final int SO_MAXPSZ = 0x0008;
    public static final int SO_HIWAT = 0x0010;
    public static final int SO_LOWAT = 0x0020;
    private static final int SIZE = 24;

    /** The M_SETOPTS message carrying these options, laid out as the C structure (six ints, big-endian). */
    public MessageBlock toMessage() {
        ByteBuffer buffer = ByteBuffer.allocate(SIZE);
        buffer.putInt(flags).putInt(readOptions).putInt(minPacket).putInt(maxPacket).putInt(hiwat).putInt(lowat);
        return MessageBlock.of(MessageType.M_SETOPTS, buffer.array());
    }

    /** The options an M_SETOPTS message carries; a message too short for them is refused. */
    public static StrOptions from(MessageBlock message) {
        if (message.type() != MessageType.M_SETOPTS || message.length() < SIZE) {
            throw new IllegalArgumentException("not an M_SETOPTS message with a stroptions: " + message);
        }
        ByteBuffer buffer = ByteBuffer.wrap(message.buffer(), message.readOffset(), SIZE);
        return new StrOptions(buffer.getInt(), buffer.getInt(), buffer.getInt(), buffer.getInt(), buffer.getInt(), buffer.getInt());
    }
}
