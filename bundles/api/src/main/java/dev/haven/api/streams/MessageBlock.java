package dev.haven.api.streams;

import java.util.Arrays;
import java.util.Objects;

/**
 * A STREAMS message block ({@code mblk_t} with its {@code dblk_t}): a type, a priority band, a buffer with
 * read and write offsets, and the continuation ({@code b_cont}) that makes a message of several blocks.
 * The first block's type and band are the message's. Blocks are not thread-safe: a message belongs to the
 * one queue or procedure that holds it.
 */
public final class MessageBlock {
    private MessageType type;
    private int band;
    private byte[] buffer;
    private int read;
    private int write;
    private MessageBlock cont;
    private IocBlock ioc;

    private MessageBlock(MessageType type, byte[] buffer, int read, int write) {
        this.type = Objects.requireNonNull(type, "type");
        this.buffer = buffer;
        this.read = read;
        this.write = write;
    }

    /** {@code allocb(9F)}: an empty M_DATA block with room for {@code size} bytes. */
    public static MessageBlock allocate(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("allocb: negative size " + size);
        }
        return new MessageBlock(MessageType.M_DATA, new byte[size], 0, 0);
    }

    /** A block of the given type holding a copy of {@code data[offset, offset+length)}. */
    public static MessageBlock of(MessageType type, byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        return new MessageBlock(type, Arrays.copyOfRange(data, offset, offset + length), 0, length);
    }

    /** A block of the given type holding a copy of {@code data}. */
    public static MessageBlock of(MessageType type, byte[] data) {
        return of(type, data, 0, data.length);
    }

    /** An empty block of the given type (for M_FLUSH, M_HANGUP and other one-byte-or-less messages, append the byte). */
    public static MessageBlock of(MessageType type) {
        return new MessageBlock(type, new byte[0], 0, 0);
    }

    /** An ioctl-family block carrying {@code ioc}. */
    public static MessageBlock ioctl(MessageType type, IocBlock ioc) {
        MessageBlock block = of(type);
        block.ioc = Objects.requireNonNull(ioc, "ioc");
        return block;
    }

    public MessageType type() {
        return type;
    }

    /** Changes the type in place, as a module turning an M_IOCTL into its M_IOCACK does. */
    public void type(MessageType type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    /** {@code b_band}: 0..255; only normal messages have a band other than 0. */
    public int band() {
        return band;
    }

    public void band(int band) {
        if (band < 0 || band > 255) {
            throw new IllegalArgumentException("band must be 0..255, not " + band);
        }
        this.band = band;
    }

    /** The ioctl control part of an ioctl-family message, or null. */
    public IocBlock ioc() {
        return ioc;
    }

    public void ioc(IocBlock ioc) {
        this.ioc = ioc;
    }

    /** {@code b_cont}. */
    public MessageBlock cont() {
        return cont;
    }

    public void cont(MessageBlock cont) {
        this.cont = cont;
    }

    /** {@code linkb(9F)}: appends {@code tail} at the end of this message's chain. */
    public void link(MessageBlock tail) {
        MessageBlock last = this;
        while (last.cont != null) {
            last = last.cont;
        }
        last.cont = tail;
    }

    /** {@code unlinkb(9F)}: detaches and returns the continuation. */
    public MessageBlock unlink() {
        MessageBlock rest = cont;
        cont = null;
        return rest;
    }

    /** The buffer itself ({@code db_base}); bytes from {@link #readOffset()} to {@link #writeOffset()} are the data. */
    public byte[] buffer() {
        return buffer;
    }

    /** {@code b_rptr} as an offset into the buffer. */
    public int readOffset() {
        return read;
    }

    /** {@code b_wptr} as an offset into the buffer. */
    public int writeOffset() {
        return write;
    }

    /** Consumes {@code n} bytes at the read offset. */
    public void skip(int n) {
        if (n < 0 || n > length()) {
            throw new IllegalArgumentException("cannot skip " + n + " of " + length() + " bytes");
        }
        read += n;
    }

    /** Drops the bytes past the first {@code n}. */
    public void truncate(int n) {
        if (n < 0 || n > length()) {
            throw new IllegalArgumentException("cannot keep " + n + " of " + length() + " bytes");
        }
        write = read + n;
    }

    /** Bytes of data in this block ({@code MBLKL}). */
    public int length() {
        return write - read;
    }

    /** Bytes of data in the whole chain ({@code msgdsize}, counting every block). */
    public int size() {
        int size = 0;
        for (MessageBlock block = this; block != null; block = block.cont) {
            size += block.length();
        }
        return size;
    }

    /** Bytes in the chain's M_DATA blocks, as {@code msgdsize(9F)}. */
    public int dataSize() {
        int size = 0;
        for (MessageBlock block = this; block != null; block = block.cont) {
            if (block.type == MessageType.M_DATA) {
                size += block.length();
            }
        }
        return size;
    }

    /** A copy of this block's data. */
    public byte[] bytes() {
        return Arrays.copyOfRange(buffer, read, write);
    }

    /** A copy of the whole chain's data, blocks concatenated. */
    public byte[] chainBytes() {
        byte[] all = new byte[size()];
        int at = 0;
        for (MessageBlock block = this; block != null; block = block.cont) {
            System.arraycopy(block.buffer, block.read, all, at, block.length());
            at += block.length();
        }
        return all;
    }

    /** The data byte at {@code index} from the read offset. */
    public int get(int index) {
        Objects.checkIndex(index, length());
        return buffer[read + index] & 0xff;
    }

    /** Appends bytes at the write offset, growing the buffer if needed. */
    public MessageBlock append(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (write + length > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, write + length));
        }
        System.arraycopy(data, offset, buffer, write, length);
        write += length;
        return this;
    }

    public MessageBlock append(byte[] data) {
        return append(data, 0, data.length);
    }

    /** Appends one byte. */
    public MessageBlock append(int value) {
        return append(new byte[] { (byte) value }, 0, 1);
    }

    /** {@code copymsg(9F)}: a deep copy of the whole chain. */
    public MessageBlock copy() {
        MessageBlock head = null;
        MessageBlock tail = null;
        for (MessageBlock block = this; block != null; block = block.cont) {
            MessageBlock copy = of(block.type, block.buffer, block.read, block.length());
            copy.band = block.band;
            copy.ioc = block.ioc;
            if (head == null) {
                head = copy;
            } else {
                tail.cont = copy;
            }
            tail = copy;
        }
        return head;
    }

    @Override
    public String toString() {
        return type + (band == 0 ? "" : "/" + band) + "[" + size() + " B]";
    }
}
