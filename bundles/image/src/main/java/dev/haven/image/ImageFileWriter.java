package dev.haven.image;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.ImageHeader;
import dev.haven.api.checkpoint.ImageInfo;
import dev.haven.api.checkpoint.ImageWriter;
import dev.haven.api.checkpoint.SectionInfo;
import dev.haven.api.checkpoint.SectionOutput;

/**
 * Streams one image to {@code .<id>.tmp} and commits it as {@code <id>.hvi}: fsync of the file, atomic
 * rename, fsync of the directory. Until the rename nothing is visible; a crash at any point leaves
 * either the old set of images or the old set plus the complete new one.
 */
final class ImageFileWriter implements ImageWriter {
    private final String id;
    private final Path directory;
    private final Path temp;
    private final ImageHeader header;
    private final FileChannel channel;
    private final Crc32cOutputStream file;
    private final DataOutputStream data;
    private final Consumer<ImageInfo> onCommit;
    private final List<SectionInfo> sections = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private SectionStream open;
    private boolean committed;
    private boolean closed;

    ImageFileWriter(String id, Path directory, ImageHeader header, Consumer<ImageInfo> onCommit) throws IOException {
        // The reader reports the version it read; a header asking for another would come back different.
        if (header.formatVersion() != ImageFormat.VERSION) {
            throw new ImageException(ImageException.Reason.UNSUPPORTED_VERSION, "image " + id + ": cannot write format version "
                    + header.formatVersion() + " (this runtime writes " + ImageFormat.VERSION + ")");
        }
        this.id = id;
        this.directory = directory;
        this.header = header;
        this.onCommit = onCommit;
        this.temp = directory.resolve("." + id + ".tmp");
        this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        this.file = new Crc32cOutputStream(channel);
        this.data = new DataOutputStream(file);
        try {
            writeHeader();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void writeHeader() throws IOException {
        ByteArrayOutputStream bodyBytes = new ByteArrayOutputStream();
        DataOutputStream body = new DataOutputStream(bodyBytes);
        writeString(body, header.partition());
        writeString(body, header.sourceNode());
        body.writeLong(header.created().getEpochSecond());
        body.writeInt(header.created().getNano());
        body.writeBoolean(header.spec().checkpointable());
        body.writeInt(header.spec().limits().size());
        for (Map.Entry<String, Long> limit : header.spec().limits().entrySet()) {
            writeString(body, limit.getKey());
            body.writeLong(limit.getValue());
        }
        body.writeInt(header.attributes().size());
        for (Map.Entry<String, String> attribute : header.attributes().entrySet()) {
            writeString(body, attribute.getKey());
            writeString(body, attribute.getValue());
        }
        if (bodyBytes.size() > ImageFormat.MAX_HEADER) {
            throw new ImageException(ImageException.Reason.TOO_LARGE, "image header of " + bodyBytes.size()
                    + " bytes exceeds " + ImageFormat.MAX_HEADER);
        }
        file.takeCrc();
        data.write(ImageFormat.MAGIC);
        data.writeShort(ImageFormat.VERSION);
        data.writeShort(0);
        data.writeInt(bodyBytes.size());
        bodyBytes.writeTo(data);
        data.writeInt(file.takeCrc());
    }

    static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > ImageFormat.MAX_STRING) {
            throw new ImageException(ImageException.Reason.TOO_LARGE, "string of " + bytes.length + " bytes exceeds "
                    + ImageFormat.MAX_STRING + ": " + value.substring(0, 40) + "...");
        }
        out.writeShort(bytes.length);
        out.write(bytes);
    }

    @Override
    public SectionOutput section(String name, int version) throws IOException {
        checkOpen();
        if (name == null || !ImageFormat.SECTION_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid section name '" + name + "'");
        }
        if (version < 1) {
            throw new IllegalArgumentException("section '" + name + "' needs a version of at least 1, not " + version);
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("section '" + name + "' written twice");
        }
        endSection();
        file.takeCrc();
        open = new SectionStream(name, version, file.position(), new Guard());
        return open;
    }

    private void endSection() throws IOException {
        if (open != null) {
            sections.add(new SectionInfo(open.name, open.version, open.offset, file.position() - open.offset, file.takeCrc()));
            open.guard.closed = true;
            open = null;
        }
    }

    @Override
    public ImageInfo commit() throws IOException {
        checkOpen();
        endSection();
        if (sections.size() > ImageFormat.MAX_SECTIONS) {
            throw new ImageException(ImageException.Reason.TOO_LARGE, sections.size() + " sections exceed " + ImageFormat.MAX_SECTIONS);
        }
        long tocOffset = file.position();
        file.takeCrc();
        data.write(ImageFormat.TOC_MAGIC);
        data.writeInt(sections.size());
        for (SectionInfo section : sections) {
            writeString(data, section.name());
            data.writeInt(section.version());
            data.writeLong(section.offset());
            data.writeLong(section.length());
            data.writeInt(section.crc32c());
        }
        int tocLength = (int) (file.position() - tocOffset);
        int tocCrc = file.takeCrc();
        data.writeLong(tocOffset);
        data.writeInt(tocLength);
        data.writeInt(tocCrc);
        data.writeInt(file.takeCrc());
        data.write(ImageFormat.TRAILER_MAGIC);
        long size = file.position();
        file.flush();
        channel.force(true);
        closed = true;
        file.close();
        Path target = directory.resolve(id + ImageFormat.SUFFIX);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        try {
            syncDirectory(directory);
        } catch (IOException e) {
            // The rename may not survive a power cut: take it back so the caller's "not committed" is true.
            Files.deleteIfExists(target);
            throw e;
        }
        committed = true;
        ImageInfo info = new ImageInfo(id, target, header, sections, size);
        onCommit.accept(info);
        return info;
    }

    /** Makes the rename durable: without it a power cut can lose the new directory entry. */
    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    @Override
    public long written() {
        return file.flushed();
    }

    @Override
    public void close() throws IOException {
        if (committed) {
            return;
        }
        if (!closed) {
            closed = true;
            try {
                file.abandon();
            } catch (IOException e) {
                // the temporary file is deleted below whatever state its channel was in
            }
        }
        Files.deleteIfExists(temp);
    }

    private void checkOpen() throws ImageException {
        if (closed || committed) {
            throw new ImageException(ImageException.Reason.IO_ERROR, "image " + id + " is already "
                    + (committed ? "committed" : "closed"));
        }
    }

    /** Whether a section's stream may still be written. */
    private static final class Guard {
        boolean closed;
    }

    /** One section's writing end: it writes straight through to the file. */
    private final class SectionStream extends DataOutputStream implements SectionOutput {
        final String name;
        final int version;
        final long offset;
        final Guard guard;

        SectionStream(String name, int version, long offset, Guard guard) {
            super(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    check();
                    file.write(b);
                }

                @Override
                public void write(byte[] bytes, int off, int len) throws IOException {
                    check();
                    file.write(bytes, off, len);
                }

                private void check() throws IOException {
                    if (guard.closed) {
                        throw new IOException("section '" + name + "' has ended: a new section was started");
                    }
                }

                @Override
                public void close() {
                    // closing a section's stream does not end the image
                }
            });
            this.name = name;
            this.version = version;
            this.offset = offset;
            this.guard = guard;
        }

        @Override
        public void writeString(String value) throws IOException {
            writeBytes(value.getBytes(StandardCharsets.UTF_8));
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
            return file.position() - offset;
        }
    }
}
