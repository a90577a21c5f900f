package dev.haven.ipc;

import java.io.IOException;

import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.SectionInput;
import dev.haven.api.checkpoint.SectionOutput;

/**
 * Shared memory content in a section (version 2 of {@code ipc} and {@code posix-ipc}):
 * <pre>
 *   byte 0, bytes content                          inline
 *   byte 1, long migration, int copy, int length   the copy a live migration holds for the target
 * </pre>
 */
final class Content {
    private static final int INLINE = 0;
    private static final int COPIED = 1;

    private Content() {
    }

    /** Caller holds the object's lock, the partition frozen. */
    static <T extends IpcObject & SharedBytes> void write(SectionOutput out, T object, PageCopy live) throws IOException {
        if (live == null) {
            out.writeByte(INLINE);
            out.writeBytes(object.content());
            return;
        }
        int copy = live.hand(object);
        out.writeByte(COPIED);
        out.writeLong(live.id);
        out.writeInt(copy);
        out.writeInt(object.content().length);
    }

    static byte[] read(SectionInput in, String section, String what, long max, PageCopy.Registry live) throws IOException {
        int kind = in.readByte();
        if (kind == INLINE) {
            return in.readBytes((int) Math.min(Integer.MAX_VALUE, max));
        }
        if (kind != COPIED) {
            throw new ImageException(ImageException.Reason.CORRUPT, "section '" + section + "': " + what
                    + " has content of unknown kind " + kind);
        }
        long migration = in.readLong();
        int copy = in.readInt();
        int length = in.readInt();
        if (length < 0 || length > max) {
            throw new ImageException(ImageException.Reason.TOO_LARGE, "section '" + section + "': " + what + " has "
                    + length + " bytes, more than the partition's limit of " + max);
        }
        return live.take(section, what, migration, copy, length);
    }
}
