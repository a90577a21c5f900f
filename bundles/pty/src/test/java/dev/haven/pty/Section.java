package dev.haven.pty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.SectionInput;
import dev.haven.api.checkpoint.SectionOutput;

/** In-memory section streams with the image store's bounds. */
final class Section {
    private Section() {
    }

    static final class Output extends DataOutputStream implements SectionOutput {
        Output(ByteArrayOutputStream bytes) {
            super(bytes);
        }

        public void writeString(String value) throws IOException {
            writeBytes(value.getBytes(StandardCharsets.UTF_8));
        }

        public void writeBytes(byte[] value) throws IOException {
            writeInt(value.length);
            write(value);
        }

        public OutputStream stream() {
            return this;
        }

        public long written() {
            return size();
        }
    }

    static final class Input extends DataInputStream implements SectionInput {
        Input(byte[] bytes) {
            super(new ByteArrayInputStream(bytes));
        }

        public String readString(int max) throws IOException {
            return new String(readBytes(max), StandardCharsets.UTF_8);
        }

        public byte[] readBytes(int max) throws IOException {
            int length = readInt();
            if (length < 0 || length > max || length > available()) {
                throw new ImageException(ImageException.Reason.CORRUPT, "bad length " + length);
            }
            return readNBytes(length);
        }

        public InputStream stream() {
            return this;
        }

        public long remaining() {
            try {
                return available();
            } catch (IOException e) {
                return 0;
            }
        }
    }
}
