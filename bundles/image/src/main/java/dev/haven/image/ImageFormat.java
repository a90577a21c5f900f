package dev.haven.image;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Constants and bounds of the image container, format version 1 (docs/IMAGE-FORMAT.md). The bounds
 * are what make the reader safe against hostile files: no length read from a file is trusted before it
 * has been checked against them and against the bytes that remain.
 */
final class ImageFormat {
    static final byte[] MAGIC = "HAVENIMG".getBytes(StandardCharsets.US_ASCII);
    static final byte[] TOC_MAGIC = "TOC1".getBytes(StandardCharsets.US_ASCII);
    static final byte[] TRAILER_MAGIC = "HVNEND01".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;

    /** magic(8) + version(2) + flags(2) + header body length(4). */
    static final int PREAMBLE = 16;
    /** toc offset(8) + toc length(4) + toc crc(4) + trailer crc(4) + magic(8). */
    static final int TRAILER = 28;

    static final int MAX_HEADER = 1 << 20;
    static final int MAX_TOC = 1 << 20;
    /** Strings of the header and table of contents carry an unsigned 16-bit length. */
    static final int MAX_STRING = 0xFFFF;
    static final int MAX_SECTIONS = 4096;
    static final int MAX_LIMITS = 4096;
    static final int MAX_ATTRIBUTES = 4096;

    static final Pattern SECTION_NAME = Pattern.compile("[a-z][a-z0-9.-]{0,30}");
    static final String SUFFIX = ".hvi";

    private ImageFormat() {
    }
}
