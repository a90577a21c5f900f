package dev.haven.image;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.SectionInfo;
import dev.haven.api.checkpoint.SectionInput;

/**
 * A participant's view of its section: DataInput primitives bounded by the section's length. Reading
 * past the end fails with an {@link ImageException} naming the section instead of a bare EOF.
 */
final class FileSectionInput implements SectionInput {
    private final BoundedSectionStream bounded;
    private final BufferedInputStream buffered;
    private final DataInputStream data;
    private final SectionInfo section;
    private final String what;

    FileSectionInput(BoundedSectionStream bounded, SectionInfo section, String what) {
        this.bounded = bounded;
        this.buffered = new BufferedInputStream(bounded, 64 * 1024);
        this.data = new DataInputStream(buffered);
        this.section = section;
        this.what = what;
    }

    @FunctionalInterface
    private interface Read<T> {
        T read() throws IOException;
    }

    private <T> T bounded(Read<T> read) throws IOException {
        try {
            return read.read();
        } catch (EOFException e) {
            throw new ImageException(ImageException.Reason.TRUNCATED, what + ": read past the end of section '"
                    + section.name() + "'");
        }
    }

    @Override
    public String readString(int maxLength) throws IOException {
        return new String(readBytes(maxLength), StandardCharsets.UTF_8);
    }

    @Override
    public byte[] readBytes(int maxLength) throws IOException {
        int length = readInt();
        if (length < 0) {
            throw corrupt("holds a negative length " + length);
        }
        if (length > maxLength) {
            throw new ImageException(ImageException.Reason.TOO_LARGE, what + ": section '" + section.name()
                    + "' holds a field of " + length + " bytes where at most " + maxLength + " are allowed");
        }
        if (length > remaining()) {
            throw corrupt("holds a field of " + length + " bytes but only " + remaining() + " remain");
        }
        byte[] bytes = new byte[length];
        readFully(bytes);
        return bytes;
    }

    private ImageException corrupt(String message) {
        return new ImageException(ImageException.Reason.CORRUPT, what + ": section '" + section.name() + "' " + message);
    }

    @Override
    public InputStream stream() {
        return buffered;
    }

    @Override
    public long remaining() {
        try {
            long inBuffer = buffered.available() - (long) bounded.available();
            return bounded.remaining() + Math.max(0, inBuffer);
        } catch (IOException e) {
            return bounded.remaining();
        }
    }

    @Override
    public void readFully(byte[] b) throws IOException {
        bounded(() -> {
            data.readFully(b);
            return null;
        });
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws IOException {
        bounded(() -> {
            data.readFully(b, off, len);
            return null;
        });
    }

    @Override
    public int skipBytes(int n) throws IOException {
        return data.skipBytes(n);
    }

    @Override
    public boolean readBoolean() throws IOException {
        return bounded(data::readBoolean);
    }

    @Override
    public byte readByte() throws IOException {
        return bounded(data::readByte);
    }

    @Override
    public int readUnsignedByte() throws IOException {
        return bounded(data::readUnsignedByte);
    }

    @Override
    public short readShort() throws IOException {
        return bounded(data::readShort);
    }

    @Override
    public int readUnsignedShort() throws IOException {
        return bounded(data::readUnsignedShort);
    }

    @Override
    public char readChar() throws IOException {
        return bounded(data::readChar);
    }

    @Override
    public int readInt() throws IOException {
        return bounded(data::readInt);
    }

    @Override
    public long readLong() throws IOException {
        return bounded(data::readLong);
    }

    @Override
    public float readFloat() throws IOException {
        return bounded(data::readFloat);
    }

    @Override
    public double readDouble() throws IOException {
        return bounded(data::readDouble);
    }

    @Override
    @Deprecated
    public String readLine() throws IOException {
        throw new UnsupportedOperationException("readLine is not part of the section format; use readString");
    }

    @Override
    public String readUTF() throws IOException {
        return bounded(data::readUTF);
    }
}
