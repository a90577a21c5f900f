package dev.haven.image;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.function.Executable;

import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.ImageHeader;
import dev.haven.api.checkpoint.ImageInfo;
import dev.haven.api.checkpoint.ImageStore;
import dev.haven.api.checkpoint.ImageWriter;
import dev.haven.api.checkpoint.SectionOutput;
import dev.haven.api.partition.PartitionSpec;

/** Images for the tests, and the means to damage them on purpose. */
final class TestImages {
    static final Instant CREATED = Instant.parse("2026-11-25T10:15:30.123Z");

    private TestImages() {
    }

    static ImageHeader header(String partition) {
        return header(partition, CREATED);
    }

    static ImageHeader header(String partition, Instant created) {
        return new ImageHeader(1, partition, PartitionSpec.DEFAULT.withLimit("msgmnb", 16384), "node1", created,
                Map.of("kind", "manual"));
    }

    /** Three sections (one of them empty): small enough to damage at every byte. */
    static ImageInfo small(ImageStore store, String partition) throws IOException {
        return small(store, header(partition));
    }

    static ImageInfo small(ImageStore store, ImageHeader header) throws IOException {
        try (ImageWriter writer = store.create(header)) {
            SectionOutput processes = writer.section("processes", 1);
            processes.writeInt(2);
            processes.writeString("ticker");
            writer.section("ipc", 3).writeBytes(new byte[] { 1, 2, 3, 4, 5 });
            writer.section("empty", 1);
            return writer.commit();
        }
    }

    /** Where the header's limit count lies, for {@link #header(String)}'s partition name length. */
    static int limitCountOffset(String partition) {
        return ImageFormat.PREAMBLE + 2 + partition.length() + 2 + "node1".length() + 8 + 4 + 1;
    }

    static long tocOffset(byte[] image) {
        return ByteBuffer.wrap(image).getLong(image.length - ImageFormat.TRAILER);
    }

    /**
     * Recomputes every checksum the damage left wrong, as far as the structure can be followed: an
     * attacker can do the same, so a bound that only holds because a checksum failed is no bound.
     */
    static byte[] reseal(byte[] original) {
        byte[] image = original.clone();
        ByteBuffer bytes = ByteBuffer.wrap(image);
        if (image.length >= ImageFormat.PREAMBLE) {
            int headerLength = bytes.getInt(12);
            if (headerLength >= 0 && headerLength <= image.length - ImageFormat.PREAMBLE - 4) {
                bytes.putInt(ImageFormat.PREAMBLE + headerLength, crc(image, 0, ImageFormat.PREAMBLE + headerLength));
            }
        }
        if (image.length < ImageFormat.TRAILER) {
            return image;
        }
        int trailer = image.length - ImageFormat.TRAILER;
        long tocOffset = bytes.getLong(trailer);
        int tocLength = bytes.getInt(trailer + 8);
        if (tocOffset >= 0 && tocLength >= 0 && tocOffset <= trailer - (long) tocLength) {
            resealSections(bytes, (int) tocOffset, (int) tocOffset + tocLength);
            bytes.putInt(trailer + 12, crc(image, (int) tocOffset, tocLength));
        }
        bytes.putInt(trailer + 16, crc(image, trailer, 16));
        return image;
    }

    /** Follows the table of contents as far as it makes sense and fixes each section's CRC in it. */
    private static void resealSections(ByteBuffer bytes, int toc, int tocEnd) {
        int entry = toc + 8;
        while (entry + 2 <= tocEnd) {
            int nameLength = Short.toUnsignedInt(bytes.getShort(entry));
            int fields = entry + 2 + nameLength;
            if (fields + 24 > tocEnd) {
                return;
            }
            long offset = bytes.getLong(fields + 4);
            long length = bytes.getLong(fields + 12);
            if (offset >= 0 && length >= 0 && offset <= bytes.capacity() - length) {
                bytes.putInt(fields + 20, crc(bytes.array(), (int) offset, (int) length));
            }
            entry = fields + 24;
        }
    }

    static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    /**
     * Runs what must fail and checks that it allocated no more than {@code bound} bytes on its way: a
     * hostile length field must be refused before anything its size is allocated.
     */
    static ImageException failsAllocatingLessThan(long bound, Executable reading) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        ImageException failure = assertThrows(ImageException.class, reading);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < bound, "allocated " + allocated + " bytes before failing with: " + failure.getMessage());
        return failure;
    }
}
