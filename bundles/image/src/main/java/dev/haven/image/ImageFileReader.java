package dev.haven.image;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32C;

import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.ImageException.Reason;
import dev.haven.api.checkpoint.ImageHeader;
import dev.haven.api.checkpoint.ImageInfo;
import dev.haven.api.checkpoint.ImageReader;
import dev.haven.api.checkpoint.SectionInfo;
import dev.haven.api.checkpoint.SectionInput;
import dev.haven.api.partition.PartitionSpec;

/**
 * Reads and checks image files. Nothing read from a file is trusted: every length is checked against
 * the format's bounds and the bytes that remain before anything is allocated, and every failure names
 * the part of the file that is wrong.
 */
final class ImageFileReader implements ImageReader {
    private static final int CHUNK = 256 * 1024;
    /** How far before the end a displaced trailer is looked for. */
    private static final int TRAILER_SEARCH = 64 * 1024;

    private final FileChannel channel;
    private final ImageInfo info;

    private ImageFileReader(FileChannel channel, ImageInfo info) {
        this.channel = channel;
        this.info = info;
    }

    /** Reads header, table of contents and trailer, checking their checksums, and optionally every section's. */
    static ImageInfo read(Path path, String id, boolean checkSections) throws ImageException {
        try (FileChannel channel = openChannel(path, id)) {
            return read(channel, path, id, checkSections);
        } catch (ImageException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageException(Reason.IO_ERROR, "image " + id + ": " + e.getMessage(), e);
        }
    }

    /** Verifies the whole image, then keeps it open for reading its sections. */
    static ImageFileReader open(Path path, String id) throws ImageException {
        FileChannel channel = openChannel(path, id);
        try {
            return new ImageFileReader(channel, read(channel, path, id, true));
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof ImageException image) {
                throw image;
            }
            // A runtime exception here is a bug of the reader, not a verdict on the image: let it show.
            if (e instanceof RuntimeException bug) {
                throw bug;
            }
            throw new ImageException(Reason.IO_ERROR, "image " + id + ": " + e.getMessage(), e);
        }
    }

    private static FileChannel openChannel(Path path, String id) throws ImageException {
        try {
            return FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ImageException(Reason.NOT_FOUND, "image " + id + " not found: no file " + path);
        } catch (IOException e) {
            throw new ImageException(Reason.IO_ERROR, "image " + id + ": cannot open " + path + ": " + e.getMessage(), e);
        }
    }

    private static ImageInfo read(FileChannel channel, Path path, String id, boolean checkSections) throws IOException {
        String what = "image " + id;
        long size = channel.size();
        if (size < ImageFormat.PREAMBLE + 4 + ImageFormat.TRAILER) {
            throw new ImageException(Reason.TRUNCATED, what + ": file truncated: " + size + " bytes is less than an empty image");
        }
        ByteBuffer preamble = readFully(channel, 0, ImageFormat.PREAMBLE, what, "header");
        byte[] magic = new byte[ImageFormat.MAGIC.length];
        preamble.get(magic);
        if (!Arrays.equals(magic, ImageFormat.MAGIC)) {
            throw new ImageException(Reason.CORRUPT, what + ": not a Haven image (bad magic in header)");
        }
        int version = Short.toUnsignedInt(preamble.getShort());
        int flags = Short.toUnsignedInt(preamble.getShort());
        int headerLength = preamble.getInt();
        if (headerLength < 0 || headerLength > ImageFormat.MAX_HEADER
                || headerLength > size - ImageFormat.PREAMBLE - 4 - ImageFormat.TRAILER) {
            throw new ImageException(Reason.CORRUPT, what + ": header length " + headerLength
                    + " is impossible for a file of " + size + " bytes (header damaged or file truncated)");
        }
        ByteBuffer body = readFully(channel, ImageFormat.PREAMBLE, headerLength + 4, what, "header");
        CRC32C crc = new CRC32C();
        crc.update(preamble.flip());
        crc.update(body.slice(0, headerLength));
        int storedHeaderCrc = body.getInt(headerLength);
        if ((int) crc.getValue() != storedHeaderCrc) {
            throw new ImageException(Reason.CORRUPT, what + ": header checksum mismatch (expected "
                    + hex(storedHeaderCrc) + ", got " + hex((int) crc.getValue()) + ")");
        }
        // The version is believed only once the header's checksum says it was written so.
        if (version != ImageFormat.VERSION) {
            throw new ImageException(Reason.UNSUPPORTED_VERSION, what + ": unsupported format version " + version
                    + " (this runtime reads " + ImageFormat.VERSION + ")");
        }
        if (flags != 0) {
            throw new ImageException(Reason.UNSUPPORTED_VERSION, what + ": header has unknown flags " + hex(flags));
        }
        ImageHeader header = parseHeader(body.slice(0, headerLength), what);
        long dataStart = ImageFormat.PREAMBLE + (long) headerLength + 4;

        ByteBuffer trailer = readFully(channel, size - ImageFormat.TRAILER, ImageFormat.TRAILER, what, "trailer");
        if (!hasTrailerMagic(trailer, 0)) {
            throw missingTrailer(channel, size, what);
        }
        if (!trailerChecksumMatches(trailer, 0)) {
            throw new ImageException(Reason.CORRUPT, what + ": trailer checksum mismatch");
        }
        long tocOffset = trailer.getLong(0);
        int tocLength = trailer.getInt(8);
        int tocCrc = trailer.getInt(12);
        long tocEnd = size - ImageFormat.TRAILER;
        if (tocLength < ImageFormat.TOC_MAGIC.length + 4 || tocLength > ImageFormat.MAX_TOC || tocOffset < dataStart) {
            throw new ImageException(Reason.CORRUPT, what + ": trailer points at an impossible table of contents (offset "
                    + tocOffset + ", length " + tocLength + ")");
        }
        if (tocOffset > tocEnd - tocLength) {
            throw new ImageException(Reason.TRUNCATED, what + ": file truncated: table of contents at offset " + tocOffset
                    + " (" + tocLength + " bytes) beyond end of file (size " + size + ")");
        }
        if (tocOffset < tocEnd - tocLength) {
            throw new ImageException(Reason.CORRUPT, what + ": " + (tocEnd - tocLength - tocOffset) + " bytes between the "
                    + "table of contents at offset " + tocOffset + " and the trailer belong to nothing (data inserted)");
        }

        ByteBuffer toc = readFully(channel, tocOffset, tocLength, what, "table of contents");
        CRC32C tocCheck = new CRC32C();
        tocCheck.update(toc.duplicate());
        if ((int) tocCheck.getValue() != tocCrc) {
            throw new ImageException(Reason.CORRUPT, what + ": table of contents checksum mismatch (expected "
                    + hex(tocCrc) + ", got " + hex((int) tocCheck.getValue()) + ")");
        }
        List<SectionInfo> sections = parseToc(toc, dataStart, tocOffset, what);
        ImageInfo info = new ImageInfo(id, path, header, sections, size);
        if (checkSections) {
            checkSections(channel, sections, what);
        }
        return info;
    }

    private static boolean hasTrailerMagic(ByteBuffer bytes, int at) {
        int magicAt = at + ImageFormat.TRAILER - ImageFormat.TRAILER_MAGIC.length;
        for (int i = 0; i < ImageFormat.TRAILER_MAGIC.length; i++) {
            if (bytes.get(magicAt + i) != ImageFormat.TRAILER_MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean trailerChecksumMatches(ByteBuffer bytes, int at) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.slice(at, 16));
        return (int) crc.getValue() == bytes.getInt(at + 16);
    }

    /**
     * Tells appended data from truncation or a damaged trailer: a whole trailer a little before the end
     * of the file means bytes were added after it. The search is bounded, so it costs nothing on a big file.
     */
    private static ImageException missingTrailer(FileChannel channel, long size, String what) throws IOException {
        int window = (int) Math.min(size, TRAILER_SEARCH);
        ByteBuffer tail = readFully(channel, size - window, window, what, "trailer");
        for (int at = window - ImageFormat.TRAILER - 1; at >= 0; at--) {
            if (hasTrailerMagic(tail, at) && trailerChecksumMatches(tail, at)) {
                long end = size - window + at + ImageFormat.TRAILER;
                return new ImageException(Reason.CORRUPT, what + ": trailing data after trailer: " + (size - end)
                        + " bytes follow the trailer that ends at offset " + end);
            }
        }
        return new ImageException(Reason.TRUNCATED, what + ": no trailer at the end of the file (size " + size
                + "): the file is truncated or its trailer is damaged");
    }

    private static ImageHeader parseHeader(ByteBuffer body, String what) throws ImageException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(body.array(), body.arrayOffset(), body.remaining()));
        try {
            String partition = readString(in, what, "header");
            String node = readString(in, what, "header");
            Instant created = Instant.ofEpochSecond(in.readLong(), in.readInt());
            int checkpointable = in.readUnsignedByte();
            if (checkpointable > 1) {
                throw new ImageException(Reason.CORRUPT, what + ": header has a checkpointable flag of " + checkpointable);
            }
            int limitCount = count(in.readInt(), ImageFormat.MAX_LIMITS, what, "header", "limits");
            Map<String, Long> limits = new TreeMap<>();
            for (int i = 0; i < limitCount; i++) {
                String name = readString(in, what, "header");
                if (limits.put(name, in.readLong()) != null) {
                    throw new ImageException(Reason.CORRUPT, what + ": header repeats limit '" + name + "'");
                }
            }
            int attributeCount = count(in.readInt(), ImageFormat.MAX_ATTRIBUTES, what, "header", "attributes");
            Map<String, String> attributes = new TreeMap<>();
            for (int i = 0; i < attributeCount; i++) {
                String key = readString(in, what, "header");
                if (attributes.put(key, readString(in, what, "header")) != null) {
                    throw new ImageException(Reason.CORRUPT, what + ": header repeats attribute '" + key + "'");
                }
            }
            if (in.available() != 0) {
                throw new ImageException(Reason.CORRUPT, what + ": header has " + in.available() + " unexplained bytes");
            }
            return new ImageHeader(ImageFormat.VERSION, partition, new PartitionSpec(checkpointable == 1, limits), node,
                    created, attributes);
        } catch (EOFException e) {
            throw new ImageException(Reason.CORRUPT, what + ": header ends in the middle of a field");
        } catch (ImageException e) {
            throw e;
        } catch (IOException | DateTimeException | ArithmeticException | IllegalArgumentException e) {
            throw new ImageException(Reason.CORRUPT, what + ": header holds an invalid value: " + e.getMessage());
        }
    }

    private static List<SectionInfo> parseToc(ByteBuffer toc, long dataStart, long tocOffset, String what) throws ImageException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(toc.array(), toc.arrayOffset(), toc.remaining()));
        try {
            byte[] magic = new byte[ImageFormat.TOC_MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, ImageFormat.TOC_MAGIC)) {
                throw new ImageException(Reason.CORRUPT, what + ": table of contents has a bad magic");
            }
            int count = count(in.readInt(), ImageFormat.MAX_SECTIONS, what, "table of contents", "sections");
            List<SectionInfo> sections = new ArrayList<>();
            Set<String> names = new HashSet<>();
            long expected = dataStart;
            for (int i = 0; i < count; i++) {
                String name = readString(in, what, "table of contents");
                int version = in.readInt();
                long offset = in.readLong();
                long length = in.readLong();
                int crc = in.readInt();
                if (!ImageFormat.SECTION_NAME.matcher(name).matches() || !names.add(name)) {
                    throw new ImageException(Reason.CORRUPT, what + ": table of contents entry " + i
                            + " has an invalid or repeated section name '" + name + "'");
                }
                if (version < 1) {
                    throw new ImageException(Reason.CORRUPT, what + ": section '" + name + "' has version " + version);
                }
                if (offset != expected || length < 0 || length > tocOffset - offset) {
                    throw new ImageException(Reason.CORRUPT, what + ": section '" + name + "' at offset " + offset + " of "
                            + length + " bytes does not fit between " + expected + " and the table of contents at " + tocOffset);
                }
                expected = offset + length;
                sections.add(new SectionInfo(name, version, offset, length, crc));
            }
            if (expected != tocOffset) {
                throw new ImageException(Reason.CORRUPT, what + ": " + (tocOffset - expected)
                        + " bytes between the last section and the table of contents belong to no section");
            }
            if (in.available() != 0) {
                throw new ImageException(Reason.CORRUPT, what + ": table of contents has " + in.available() + " unexplained bytes");
            }
            return sections;
        } catch (EOFException e) {
            throw new ImageException(Reason.CORRUPT, what + ": table of contents ends in the middle of an entry");
        } catch (ImageException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageException(Reason.CORRUPT, what + ": table of contents: " + e.getMessage());
        }
    }

    private static void checkSections(FileChannel channel, List<SectionInfo> sections, String what) throws IOException {
        long longest = sections.stream().mapToLong(SectionInfo::length).max().orElse(0);
        // direct: the file's bytes land in it once and CRC32C reads them in place
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.max(1, Math.min(CHUNK, longest)));
        for (SectionInfo section : sections) {
            CRC32C crc = new CRC32C();
            long position = section.offset();
            long end = section.offset() + section.length();
            while (position < end) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                int read = channel.read(buffer, position);
                if (read < 0) {
                    throw new ImageException(Reason.TRUNCATED, what + ": section '" + section.name() + "' ends early (file truncated)");
                }
                position += read;
                crc.update(buffer.flip());
            }
            if ((int) crc.getValue() != section.crc32c()) {
                throw new ImageException(Reason.CORRUPT, what + ": section '" + section.name() + "' checksum mismatch (expected "
                        + hex(section.crc32c()) + ", got " + hex((int) crc.getValue()) + ")");
            }
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length, String what, String part)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position + buffer.position());
            if (read < 0) {
                throw new ImageException(Reason.TRUNCATED, what + ": file truncated in the " + part);
            }
        }
        return buffer.flip();
    }

    static String readString(DataInputStream in, String what, String part) throws IOException {
        int length = in.readUnsignedShort();
        if (length > in.available()) {
            throw new ImageException(Reason.CORRUPT, what + ": " + part + " has a string of " + length
                    + " bytes where only " + in.available() + " remain");
        }
        byte[] bytes = in.readNBytes(length);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ImageException(Reason.CORRUPT, what + ": " + part + " has a string that is not UTF-8");
        }
    }

    private static int count(int value, int max, String what, String part, String of) throws ImageException {
        if (value < 0 || value > max) {
            throw new ImageException(Reason.CORRUPT, what + ": " + part + " claims " + value + " " + of + " (at most " + max + ")");
        }
        return value;
    }

    static String hex(int value) {
        return String.format("0x%08x", value);
    }

    @Override
    public ImageInfo info() {
        return info;
    }

    @Override
    public SectionInput section(String name) throws IOException {
        for (SectionInfo section : info.sections()) {
            if (section.name().equals(name)) {
                return new FileSectionInput(channel, section, "image " + info.id());
            }
        }
        throw new ImageException(Reason.NOT_FOUND, "image " + info.id() + " has no section '" + name + "'");
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
