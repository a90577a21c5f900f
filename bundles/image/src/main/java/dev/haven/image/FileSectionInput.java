package dev.haven.image;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UTFDataFormatException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.zip.CRC32C;

import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.ImageException.Reason;
import dev.haven.api.checkpoint.SectionInfo;
import dev.haven.api.checkpoint.SectionInput;

/**
 * A participant's view of its section: DataInput primitives over the section's bytes and no more.
 * Reads are positional, so sections of one image can be read at the same time. Reading past the end
 * fails naming the section, and when the last byte has been fetched from the file its checksum is
 * checked again (the file may have changed since it was verified).
 */
final class FileSectionInput implements SectionInput {
    private static final int BUFFER = 64 * 1024;
    /** Room for the widest primitive, so one refill always makes it whole. */
    private static final int MIN_BUFFER = 16;

    private final FileChannel channel;
    private final SectionInfo section;
    private final String what;
    /** Fetched bytes not consumed yet, between position and limit. */
    private final ByteBuffer buffer;
    private final CRC32C crc = new CRC32C();
    /** Bytes of the section fetched from the file so far. */
    private long fetched;
    private final InputStream stream = new SectionStream();

    FileSectionInput(FileChannel channel, SectionInfo section, String what) {
        this.channel = channel;
        this.section = section;
        this.what = what;
        this.buffer = ByteBuffer.allocate((int) Math.max(MIN_BUFFER, Math.min(BUFFER, section.length()))).limit(0);
    }

    @Override
    public long remaining() {
        return section.length() - fetched + buffer.remaining();
    }

    /** Makes {@code count} bytes available in the buffer, or fails if the section has fewer left. */
    private void require(int count) throws IOException {
        if (buffer.remaining() >= count) {
            return;
        }
        if (remaining() < count) {
            throw pastEnd(count);
        }
        refill();
    }

    private void refill() throws IOException {
        buffer.compact();
        int start = buffer.position();
        long left = section.length() - fetched;
        if (buffer.remaining() > left) {
            buffer.limit(start + (int) left);
        }
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, section.offset() + fetched + (buffer.position() - start));
            if (read < 0) {
                throw new ImageException(Reason.TRUNCATED, what + ": section '" + section.name()
                        + "' ends early (file truncated)");
            }
        }
        int read = buffer.position() - start;
        crc.update(buffer.array(), start, read);
        fetched += read;
        buffer.flip();
        if (fetched == section.length() && (int) crc.getValue() != section.crc32c()) {
            throw new ImageException(Reason.CORRUPT, what + ": section '" + section.name() + "' checksum mismatch (expected "
                    + ImageFileReader.hex(section.crc32c()) + ", got " + ImageFileReader.hex((int) crc.getValue())
                    + "): it changed after it was verified");
        }
    }

    private ImageException pastEnd(long wanted) {
        return new ImageException(Reason.TRUNCATED, what + ": read past the end of section '" + section.name() + "' ("
                + wanted + " bytes wanted, " + remaining() + " left)");
    }

    private ImageException corrupt(String message) {
        return new ImageException(Reason.CORRUPT, what + ": section '" + section.name() + "' " + message);
    }

    @Override
    public void readFully(byte[] b) throws IOException {
        readFully(b, 0, b.length);
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws IOException {
        if (len > remaining()) {
            throw pastEnd(len);
        }
        while (len > 0) {
            if (!buffer.hasRemaining()) {
                refill();
            }
            int n = Math.min(len, buffer.remaining());
            buffer.get(b, off, n);
            off += n;
            len -= n;
        }
    }

    @Override
    public byte[] readBytes(int maxLength) throws IOException {
        int length = readInt();
        if (length < 0) {
            throw corrupt("holds a negative length " + length);
        }
        if (length > maxLength) {
            throw new ImageException(Reason.TOO_LARGE, what + ": section '" + section.name() + "' holds a field of " + length
                    + " bytes where at most " + maxLength + " are allowed");
        }
        if (length > remaining()) {
            throw corrupt("holds a field of " + length + " bytes but only " + remaining() + " remain");
        }
        byte[] bytes = new byte[length];
        readFully(bytes);
        return bytes;
    }

    @Override
    public String readString(int maxLength) throws IOException {
        byte[] bytes = readBytes(maxLength);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw corrupt("holds a string that is not UTF-8");
        }
    }

    @Override
    public int skipBytes(int n) throws IOException {
        int skipped = (int) Math.min(Math.max(n, 0), remaining());
        for (int left = skipped; left > 0;) {
            if (!buffer.hasRemaining()) {
                refill();
            }
            int step = Math.min(left, buffer.remaining());
            buffer.position(buffer.position() + step);
            left -= step;
        }
        return skipped;
    }

    @Override
    public boolean readBoolean() throws IOException {
        return readByte() != 0;
    }

    @Override
    public byte readByte() throws IOException {
        require(1);
        return buffer.get();
    }

    @Override
    public int readUnsignedByte() throws IOException {
        return Byte.toUnsignedInt(readByte());
    }

    @Override
    public short readShort() throws IOException {
        require(2);
        return buffer.getShort();
    }

    @Override
    public int readUnsignedShort() throws IOException {
        return Short.toUnsignedInt(readShort());
    }

    @Override
    public char readChar() throws IOException {
        require(2);
        return buffer.getChar();
    }

    @Override
    public int readInt() throws IOException {
        require(4);
        return buffer.getInt();
    }

    @Override
    public long readLong() throws IOException {
        require(8);
        return buffer.getLong();
    }

    @Override
    public float readFloat() throws IOException {
        require(4);
        return buffer.getFloat();
    }

    @Override
    public double readDouble() throws IOException {
        require(8);
        return buffer.getDouble();
    }

    @Override
    @Deprecated
    public String readLine() {
        throw new UnsupportedOperationException("readLine is not part of the section format; use readString");
    }

    @Override
    public String readUTF() throws IOException {
        try {
            return DataInputStream.readUTF(this);
        } catch (UTFDataFormatException e) {
            throw corrupt("holds a malformed modified UTF-8 string");
        }
    }

    @Override
    public InputStream stream() {
        return stream;
    }

    /** The bulk view: the end of the section is an ordinary end of stream here. */
    private final class SectionStream extends InputStream {
        @Override
        public int read() throws IOException {
            return remaining() == 0 ? -1 : readUnsignedByte();
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            if (length == 0) {
                return 0;
            }
            if (remaining() == 0) {
                return -1;
            }
            int n = (int) Math.min(length, remaining());
            readFully(bytes, offset, n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            return skipBytes((int) Math.min(n, Integer.MAX_VALUE));
        }

        @Override
        public int available() {
            return buffer.remaining();
        }
    }
}
