package dev.haven.api.checkpoint;

import java.io.DataInput;
import java.io.IOException;
import java.io.InputStream;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A section as its participant reads it back: bounded by the section's length, so no read runs past
 * it (that fails with an {@link ImageException} naming the section) and no length field can make a
 * reader allocate more than the section holds.
 */
@ProviderType
public interface SectionInput extends DataInput {

    /** Reads a string written by {@link SectionOutput#writeString}; longer than {@code maxLength} bytes fails. */
    String readString(int maxLength) throws IOException;

    /** Reads bytes written by {@link SectionOutput#writeBytes}; longer than {@code maxLength} fails. */
    byte[] readBytes(int maxLength) throws IOException;

    /** The section's remaining bytes as a stream, for bulk data. */
    InputStream stream();

    /** Bytes of the section not read yet. */
    long remaining();
}
