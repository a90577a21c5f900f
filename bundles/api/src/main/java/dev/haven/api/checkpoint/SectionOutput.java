package dev.haven.api.checkpoint;

import java.io.DataOutput;
import java.io.IOException;
import java.io.OutputStream;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a participant writes its section: big-endian {@link DataOutput} primitives, streamed to the
 * image file as they are written (a section is never held whole in memory).
 */
@ProviderType
public interface SectionOutput extends DataOutput {

    /** Writes a length-prefixed UTF-8 string (int length, then bytes); pairs with {@link SectionInput#readString}. */
    void writeString(String value) throws IOException;

    /** Writes a length-prefixed byte array; pairs with {@link SectionInput#readBytes}. */
    void writeBytes(byte[] value) throws IOException;

    /** The section's bytes as a stream, for bulk data; closing it does not end the section. */
    OutputStream stream();

    /** Bytes written to this section so far. */
    long written();
}
