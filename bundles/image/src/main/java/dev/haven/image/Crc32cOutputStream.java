package dev.haven.image;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/** Counts and checksums what passes through to the file; the checksum can be restarted per section. */
final class Crc32cOutputStream extends FilterOutputStream {
    private final CRC32C crc = new CRC32C();
    /** Volatile: the progress ticker reads it from another thread. */
    private volatile long position;

    Crc32cOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        crc.update(b);
        position++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        crc.update(bytes, offset, length);
        position += length;
    }

    /** Bytes written to the file so far. */
    long position() {
        return position;
    }

    /** The CRC32C of what was written since the last reset, and starts a new one. */
    int takeCrc() {
        int value = (int) crc.getValue();
        crc.reset();
        return value;
    }
}
