package dev.haven.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.ImageException.Reason;
import dev.haven.api.checkpoint.ImageHeader;
import dev.haven.api.checkpoint.ImageInfo;
import dev.haven.api.checkpoint.ImageReader;
import dev.haven.api.checkpoint.ImageWriter;
import dev.haven.api.checkpoint.SectionInfo;
import dev.haven.api.checkpoint.SectionInput;
import dev.haven.api.checkpoint.SectionOutput;
import dev.haven.api.partition.PartitionSpec;

class ImageFilesTest {
    @TempDir
    Path directory;
    private LocalImageStore store;

    @BeforeEach
    void store() throws IOException {
        store = new LocalImageStore(directory, 3);
    }

    static ImageHeader header(String partition) {
        return new ImageHeader(1, partition, PartitionSpec.DEFAULT.withLimit("msgmnb", 16384), "node1",
                Instant.parse("2026-11-25T10:15:30.123Z"), Map.of("kind", "manual"));
    }

    /** A small image with three sections, the one the damage tests mutate byte by byte. */
    ImageInfo smallImage() throws IOException {
        try (ImageWriter writer = store.create(header("p1"))) {
            SectionOutput processes = writer.section("processes", 1);
            processes.writeInt(2);
            processes.writeString("ticker");
            writer.section("ipc", 3).writeBytes(new byte[] { 1, 2, 3, 4, 5 });
            writer.section("empty", 1);
            return writer.commit();
        }
    }

    @Test
    void sectionsRoundTripWithTheirVersionsAndHeader() throws IOException {
        ImageInfo written = smallImage();
        ImageInfo verified = store.verify(written.id());
        assertEquals(written.sections(), verified.sections());
        assertEquals(header("p1"), verified.header());
        assertEquals(List.of("processes", "ipc", "empty"), verified.sections().stream().map(SectionInfo::name).toList());
        assertEquals(3, verified.sections().get(1).version());
        try (ImageReader reader = store.open(written.path().toString())) {
            SectionInput processes = reader.section("processes");
            assertEquals(2, processes.readInt());
            assertEquals("ticker", processes.readString(100));
            assertEquals(0, processes.remaining());
            assertArrayEquals(new byte[] { 1, 2, 3, 4, 5 }, reader.section("ipc").readBytes(10));
            assertEquals(Reason.NOT_FOUND, assertThrows(ImageException.class, () -> reader.section("pty")).reason());
        }
    }

    @Test
    void readingPastASectionFailsNamingTheSection() throws IOException {
        ImageInfo image = smallImage();
        try (ImageReader reader = store.open(image.id())) {
            SectionInput ipc = reader.section("ipc");
            ipc.readBytes(10);
            ImageException past = assertThrows(ImageException.class, ipc::readInt);
            assertTrue(past.getMessage().contains("past the end of section 'ipc'"), past.getMessage());
            SectionInput processes = reader.section("processes");
            processes.readInt();
            ImageException tooLong = assertThrows(ImageException.class, () -> processes.readString(3));
            assertEquals(Reason.TOO_LARGE, tooLong.reason());
        }
    }

    @Test
    void aLargeSectionIsStreamedAndComesBackByteForByte() throws Exception {
        long size = 64L << 20;
        Random random = new Random(42);
        byte[] chunk = new byte[1 << 20];
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        ImageInfo image;
        try (ImageWriter writer = store.create(header("big"))) {
            OutputStream out = writer.section("shm", 1).stream();
            for (long done = 0; done < size; done += chunk.length) {
                random.nextBytes(chunk);
                written.update(chunk);
                out.write(chunk);
            }
            image = writer.commit();
        }
        assertEquals(size, image.sections().get(0).length());
        MessageDigest read = MessageDigest.getInstance("SHA-256");
        try (ImageReader reader = store.open(image.id()); InputStream in = reader.section("shm").stream()) {
            byte[] buffer = new byte[77_777];
            for (int n; (n = in.read(buffer)) > 0;) {
                read.update(buffer, 0, n);
            }
        }
        assertArrayEquals(written.digest(), read.digest());
    }

    @Test
    void flippingAnyByteMakesVerifyFailNamingTheDamagedPart() throws IOException {
        ImageInfo image = smallImage();
        byte[] original = Files.readAllBytes(image.path());
        Path copy = directory.resolve("damaged.hvi");
        for (int position = 0; position < original.length; position++) {
            byte[] damaged = original.clone();
            damaged[position] ^= 0x5a;
            Files.write(copy, damaged);
            ImageException failure;
            try {
                store.verify(copy.toString());
                fail("a flipped byte at offset " + position + " was not detected");
                return;
            } catch (ImageException e) {
                failure = e;
            }
            String expected = partAt(image, position);
            assertTrue(failure.getMessage().contains(expected), "byte " + position + " lies in the " + expected
                    + ", but the error says: " + failure.getMessage());
        }
    }

    /** Which part of the file a byte belongs to, as the error message should name it. */
    private static String partAt(ImageInfo image, long position) {
        long dataStart = image.sections().get(0).offset();
        if (position < dataStart) {
            return position < 8 ? "magic" : position < 12 ? "header" : "header";
        }
        for (SectionInfo section : image.sections()) {
            if (position >= section.offset() && position < section.offset() + section.length()) {
                return "section '" + section.name() + "'";
            }
        }
        return position >= image.size() - ImageFormat.TRAILER ? "trail" : "table of contents";
    }

    @Test
    void truncationAtEveryLengthIsDetected() throws IOException {
        ImageInfo image = smallImage();
        byte[] original = Files.readAllBytes(image.path());
        Path copy = directory.resolve("short.hvi");
        for (int length = 0; length < original.length; length++) {
            Files.write(copy, java.util.Arrays.copyOf(original, length));
            ImageException failure = assertThrows(ImageException.class, () -> store.verify(copy.toString()),
                    "truncated to " + length);
            assertTrue(failure.reason() == Reason.TRUNCATED || failure.reason() == Reason.CORRUPT, failure.getMessage());
        }
    }

    @Test
    void appendedBytesAreDetected() throws IOException {
        ImageInfo image = smallImage();
        for (int extra : new int[] { 1, 7, 28, 4096 }) {
            Path copy = directory.resolve("long" + extra + ".hvi");
            byte[] bytes = Files.readAllBytes(image.path());
            Files.write(copy, bytes);
            Files.write(copy, new byte[extra], StandardOpenOption.APPEND);
            ImageException failure = assertThrows(ImageException.class, () -> store.verify(copy.toString()));
            assertTrue(failure.getMessage().contains("trail"), failure.getMessage());
        }
    }

    @Test
    void aHostileLengthFieldFailsWithoutAllocating() throws IOException {
        ImageInfo image = smallImage();
        Path copy = directory.resolve("hostile.hvi");
        Files.copy(image.path(), copy);
        try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4).putInt(0, Integer.MAX_VALUE), 12);
        }
        ImageException failure = assertThrows(ImageException.class, () -> store.verify(copy.toString()));
        assertTrue(failure.getMessage().contains("header length 2147483647 is impossible"), failure.getMessage());

        // a section field claiming 2 GiB inside a valid image: the reader refuses before allocating
        ImageInfo liar;
        try (ImageWriter writer = store.create(header("liar"))) {
            writer.section("ipc", 1).writeInt(Integer.MAX_VALUE);
            liar = writer.commit();
        }
        try (ImageReader reader = store.open(liar.id())) {
            ImageException refused = assertThrows(ImageException.class,
                    () -> reader.section("ipc").readBytes(Integer.MAX_VALUE));
            assertTrue(refused.getMessage().contains("only 0 remain"), refused.getMessage());
        }
    }

    @Test
    void anUncommittedWriterLeavesNothingBehind() throws IOException {
        try (ImageWriter writer = store.create(header("p1"))) {
            writer.section("processes", 1).writeInt(1);
        }
        try (var files = Files.list(directory)) {
            assertEquals(List.of(), files.toList());
        }
        assertEquals(List.of(), store.list(Optional.empty()));
    }

    @Test
    void leftoverTemporaryFilesOfACrashAreIgnoredAndCleanedUp() throws IOException {
        ImageInfo committed = smallImage();
        Path temp = directory.resolve(".p1-20261125T101531.000Z.tmp");
        Files.write(temp, new byte[] { 'H', 'A', 'V' });
        assertEquals(List.of(committed.id()), store.list(Optional.of("p1")).stream().map(ImageInfo::id).toList());
        assertEquals(committed.id(), store.latest("p1").orElseThrow().id());
        new LocalImageStore(directory, 3);
        assertTrue(Files.notExists(temp));
    }

    @Test
    void idsAreUniqueEvenWithinOneMillisecondAndOnlyTheNewestAreKept() throws IOException {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(smallImage().id());
        }
        assertEquals(5, ids.stream().distinct().count());
        List<ImageInfo> kept = store.list(Optional.of("p1"));
        assertEquals(3, kept.size());
        assertEquals(List.of(ids.get(4), ids.get(3), ids.get(2)), kept.stream().map(ImageInfo::id).toList());
    }

    @Test
    void imagesWrittenToAnotherDirectoryAreNeitherListedNorPruned() throws IOException {
        Path elsewhere = directory.resolve("exports");
        ImageInfo exported;
        try (ImageWriter writer = store.create(header("p1"), elsewhere)) {
            writer.section("processes", 1).writeInt(0);
            exported = writer.commit();
        }
        assertEquals(elsewhere.resolve(exported.id() + ".hvi"), exported.path());
        assertEquals(List.of(), store.list(Optional.empty()));
        assertEquals(exported.sections(), store.verify(exported.path().toString()).sections());
    }

    @Test
    void unknownImagesAndFormatVersionsAreReported() throws IOException {
        assertEquals(Reason.NOT_FOUND, assertThrows(ImageException.class, () -> store.verify("p1-nope")).reason());
        assertEquals(Reason.NOT_FOUND, assertThrows(ImageException.class, () -> store.remove("p1-nope")).reason());
        ImageInfo image = smallImage();
        Path copy = directory.resolve("future.hvi");
        byte[] bytes = Files.readAllBytes(image.path());
        bytes[9] = 7;
        // a genuine future image: its header checksum covers the new version number
        int headerLength = ByteBuffer.wrap(bytes, 12, 4).getInt();
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, 16 + headerLength);
        ByteBuffer.wrap(bytes, 16 + headerLength, 4).putInt((int) crc.getValue());
        Files.write(copy, bytes);
        ImageException failure = assertThrows(ImageException.class, () -> store.verify(copy.toString()));
        assertEquals(Reason.UNSUPPORTED_VERSION, failure.reason());
        assertTrue(failure.getMessage().contains("unsupported format version 7 (this runtime reads 1)"));
    }

    @Test
    void sectionNamesAreValidatedWhenWritten() throws IOException {
        try (ImageWriter writer = store.create(header("p1"))) {
            assertThrows(IllegalArgumentException.class, () -> writer.section("Bad Name", 1));
            writer.section("ipc", 1);
            assertThrows(IllegalArgumentException.class, () -> writer.section("ipc", 1));
            assertThrows(IllegalArgumentException.class, () -> writer.section("pty", 0));
        }
    }
}
