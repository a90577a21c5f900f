package dev.haven.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Buffers, counts and checksums what goes to the image file. The buffer sits in front of the checksum
 * so CRC32C runs over whole chunks (it is an intrinsic on arrays, but slow byte by byte), and it is
 * unsynchronized because one thread writes an image. The checksum restarts at every section boundary.
 */
final class Crc32cOutputStream extends OutputStream {
    static final int BUFFER = 256 * 1024;

    private final FileChannel channel;
    private final byte[] buffer = new byte[BUFFER];
    private final CRC32C crc = new CRC32C();
    private int count;
    /** Bytes handed to the channel; volatile because the progress ticker reads it from another thread. */
    private volatile long flushed;

    Crc32cOutputStream(FileChannel channel) {
        this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buffer.length) {
            drain();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (length >= buffer.length) {
            drain();
            crc.update(bytes, offset, length);
            writeToChannel(ByteBuffer.wrap(bytes, offset, length));
            return;
        }
        if (length > buffer.length - count) {
            drain();
        }
        System.arraycopy(bytes, offset, buffer, count, length);
        count += length;
    }

    private void drain() throws IOException {
        if (count > 0) {
            crc.update(buffer, 0, count);
            writeToChannel(ByteBuffer.wrap(buffer, 0, count));
            count = 0;
        }
    }

    private void writeToChannel(ByteBuffer bytes) throws IOException {
        int length = bytes.remaining();
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        flushed += length;
    }

    /** Bytes written so far, buffered ones included; for the writing thread. */
    long position() {
        return flushed + count;
    }

    /** Bytes that reached the file; cheap and safe to read from any thread, behind by at most the buffer. */
    long flushed() {
        return flushed;
    }

    /** The CRC32C of what was written since the last call, and starts a new one. */
    int takeCrc() throws IOException {
        drain();
        int value = (int) crc.getValue();
        crc.reset();
        return value;
    }

    @Override
    public void flush() throws IOException {
        drain();
    }

    /** Closes the file without writing what is buffered: for a writer that gives up. */
    void abandon() throws IOException {
        count = 0;
        channel.close();
    }

    @Override
    public void close() throws IOException {
        try {
            drain();
        } finally {
            channel.close();
        }
    }
}
