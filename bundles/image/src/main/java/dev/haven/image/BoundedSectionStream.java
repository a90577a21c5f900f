package dev.haven.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.SectionInfo;

/**
 * A section's bytes and no more: reading past its end fails naming the section, and when the last
 * byte has been read the checksum is checked again (the file may have changed since it was verified).
 */
final class BoundedSectionStream extends FilterInputStream {
    private final SectionInfo section;
    private final String what;
    private final CRC32C crc = new CRC32C();
    private long remaining;

    BoundedSectionStream(InputStream in, SectionInfo section, String what) {
        super(in);
        this.section = section;
        this.what = what;
        this.remaining = section.length();
    }

    long remaining() {
        return remaining;
    }

    @Override
    public int read() throws IOException {
        if (remaining == 0) {
            return -1;
        }
        int b = in.read();
        if (b < 0) {
            throw truncated();
        }
        crc.update(b);
        consumed(1);
        return b;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        int read = in.read(bytes, offset, (int) Math.min(length, remaining));
        if (read < 0) {
            throw truncated();
        }
        crc.update(bytes, offset, read);
        consumed(read);
        return read;
    }

    private void consumed(int count) throws ImageException {
        remaining -= count;
        if (remaining == 0 && (int) crc.getValue() != section.crc32c()) {
            throw new ImageException(ImageException.Reason.CORRUPT, what + ": section '" + section.name()
                    + "' changed while it was read (checksum mismatch)");
        }
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int read = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (read < 0) {
                break;
            }
            skipped += read;
        }
        return skipped;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, remaining);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() {
        // the image's channel is closed with the reader
    }

    private ImageException truncated() {
        return new ImageException(ImageException.Reason.TRUNCATED, what + ": section '" + section.name()
                + "' ends early (file truncated)");
    }
}
