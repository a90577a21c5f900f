package dev.haven.accounting;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import dev.haven.api.checkpoint.SectionInput;
import dev.haven.api.checkpoint.SectionOutput;

/** A section in memory, as the image store would stream it. */
final class Sections {
    private Sections() {
    }

    static final class Out extends DataOutputStream implements SectionOutput {
        Out() {
            super(new ByteArrayOutputStream());
        }

        @Override
        public void writeString(String value) throws IOException {
            writeBytes(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public void writeBytes(byte[] value) throws IOException {
            writeInt(value.length);
            write(value);
        }

        @Override
        public OutputStream stream() {
            return this;
        }

        @Override
        public long written() {
            return size();
        }

        byte[] bytes() {
            return ((ByteArrayOutputStream) out).toByteArray();
        }
    }

    static final class In extends DataInputStream implements SectionInput {
        In(byte[] bytes) {
            super(new ByteArrayInputStream(bytes));
        }

        @Override
        public String readString(int maxLength) throws IOException {
            return new String(readBytes(maxLength), java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public byte[] readBytes(int maxLength) throws IOException {
            int length = readInt();
            if (length < 0 || length > maxLength) {
                throw new IOException("length " + length);
            }
            return readNBytes(length);
        }

        @Override
        public InputStream stream() {
            return this;
        }

        @Override
        public long remaining() {
            try {
                return available();
            } catch (IOException e) {
                return 0;
            }
        }
    }
}
