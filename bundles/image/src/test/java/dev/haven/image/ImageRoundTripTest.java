package dev.haven.image;

import static dev.haven.image.TestImages.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
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

class ImageRoundTripTest {
    @TempDir
    Path directory;
    private LocalImageStore store;

    @BeforeEach
    void store() throws IOException {
        store = new LocalImageStore(directory, 3);
    }

    @Test
    void sectionsComeBackWithTheirVersionsAndTheHeaderAsWritten() throws IOException {
        ImageInfo written = TestImages.small(store, "p1");
        ImageInfo verified = store.verify(written.id());
        assertEquals(written, verified);
        assertEquals(header("p1"), verified.header());
        assertEquals(List.of("processes", "ipc", "empty"), verified.sections().stream().map(SectionInfo::name).toList());
        assertEquals(List.of(1, 3, 1), verified.sections().stream().map(SectionInfo::version).toList());
        try (ImageReader reader = store.open(written.path().toString())) {
            SectionInput processes = reader.section("processes");
            assertEquals(2, processes.readInt());
            assertEquals("ticker", processes.readString(100));
            assertEquals(0, processes.remaining());
            assertArrayEquals(new byte[] { 1, 2, 3, 4, 5 }, reader.section("ipc").readBytes(10));
            assertEquals(0, reader.section("empty").remaining());
        }
    }

    @Test
    void everyDataOutputPrimitiveReadsBackAsWritten() throws IOException {
        ImageInfo image;
        try (ImageWriter writer = store.create(header("p1"))) {
            SectionOutput out = writer.section("kinds", 1);
            out.writeBoolean(true);
            out.writeByte(-2);
            out.writeShort(-3);
            out.writeChar('€');
            out.writeInt(-4);
            out.writeLong(Long.MIN_VALUE);
            out.writeFloat(1.5f);
            out.writeDouble(-2.25);
            out.writeUTF("grüße");
            out.writeString("日本");
            assertEquals(1 + 1 + 2 + 2 + 4 + 8 + 4 + 8 + (2 + 7) + (4 + 6), out.written());
            image = writer.commit();
        }
        try (ImageReader reader = store.open(image.id())) {
            SectionInput in = reader.section("kinds");
            assertTrue(in.readBoolean());
            assertEquals(-2, in.readByte());
            assertEquals(-3, in.readShort());
            assertEquals('€', in.readChar());
            assertEquals(-4, in.readInt());
            assertEquals(Long.MIN_VALUE, in.readLong());
            assertEquals(1.5f, in.readFloat());
            assertEquals(-2.25, in.readDouble());
            assertEquals("grüße", in.readUTF());
            assertEquals("日本", in.readString(6));
            assertEquals(0, in.remaining());
        }
    }

    @Test
    void aSixtyFourMegabyteSectionStreamsToDiskAsItIsWrittenAndComesBackByteForByte() throws Exception {
        long size = 64L << 20;
        byte[] chunk = new byte[1 << 20];
        Random generator = new Random(42);
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        ImageInfo image;
        try (ImageWriter writer = store.create(header("big"))) {
            writer.section("small", 1).writeInt(7);
            OutputStream out = writer.section("shm", 1).stream();
            for (long done = 0; done < size; done += chunk.length) {
                generator.nextBytes(chunk);
                written.update(chunk);
                out.write(chunk, 0, chunk.length / 2);
                out.write(chunk, chunk.length / 2, chunk.length / 2);
            }
            // Before the commit the bytes are already in the temporary file, apart from one buffer's worth:
            // the section was never held in memory.
            long onDisk;
            try (var temps = Files.list(directory)) {
                onDisk = Files.size(temps.filter(file -> file.getFileName().toString().endsWith(".tmp")).findFirst()
                        .orElseThrow());
            }
            assertTrue(onDisk > size - Crc32cOutputStream.BUFFER, onDisk + " bytes on disk after writing " + size);
            assertTrue(writer.written() > size, "progress counter says " + writer.written());
            image = writer.commit();
        }
        assertEquals(size, image.sections().get(1).length());
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
    void sectionsOfOneImageCanBeReadAtTheSameTime() throws IOException {
        ImageInfo image;
        try (ImageWriter writer = store.create(header("p1"))) {
            for (String name : List.of("a", "b")) {
                SectionOutput out = writer.section(name, 1);
                for (int i = 0; i < 100_000; i++) {
                    out.writeInt(name.equals("a") ? i : -i);
                }
            }
            image = writer.commit();
        }
        try (ImageReader reader = store.open(image.id())) {
            SectionInput a = reader.section("a");
            SectionInput b = reader.section("b");
            for (int i = 0; i < 100_000; i++) {
                assertEquals(i, a.readInt());
                assertEquals(-i, b.readInt());
            }
        }
    }

    @Test
    void readingPastTheEndOfASectionFailsNamingTheSection() throws IOException {
        ImageInfo image = TestImages.small(store, "p1");
        try (ImageReader reader = store.open(image.id())) {
            SectionInput ipc = reader.section("ipc");
            ipc.readBytes(10);
            ImageException past = assertThrows(ImageException.class, ipc::readInt);
            assertEquals(Reason.TRUNCATED, past.reason());
            assertTrue(past.getMessage().contains("read past the end of section 'ipc'"), past.getMessage());
            InputStream bulk = reader.section("ipc").stream();
            assertEquals(9, bulk.skip(100));
            assertEquals(-1, bulk.read(), "the bulk view ends like any stream");
        }
    }

    @Test
    void aFieldLongerThanTheReadersMaximumIsRefused() throws IOException {
        ImageInfo image = TestImages.small(store, "p1");
        try (ImageReader reader = store.open(image.id())) {
            SectionInput processes = reader.section("processes");
            processes.readInt();
            ImageException tooLong = assertThrows(ImageException.class, () -> processes.readString(3));
            assertEquals(Reason.TOO_LARGE, tooLong.reason());
            assertTrue(tooLong.getMessage().contains("section 'processes' holds a field of 6 bytes where at most 3"),
                    tooLong.getMessage());
        }
    }

    @Test
    void aStringThatIsNotUtf8IsCorrupt() throws IOException {
        ImageInfo image;
        try (ImageWriter writer = store.create(header("p1"))) {
            writer.section("names", 1).writeBytes(new byte[] { 'a', (byte) 0xC3 });
            image = writer.commit();
        }
        try (ImageReader reader = store.open(image.id())) {
            ImageException failure = assertThrows(ImageException.class, () -> reader.section("names").readString(10));
            assertEquals(Reason.CORRUPT, failure.reason());
            assertTrue(failure.getMessage().contains("section 'names' holds a string that is not UTF-8"));
        }
    }

    @Test
    void aSectionChangedAfterVerificationFailsWhenItsLastByteIsRead() throws IOException {
        ImageInfo image = TestImages.small(store, "p1");
        try (ImageReader reader = store.open(image.id())) {
            byte[] bytes = Files.readAllBytes(image.path());
            bytes[(int) image.sections().get(1).offset() + 6] ^= 1;
            Files.write(image.path(), bytes);
            ImageException changed = assertThrows(ImageException.class, () -> reader.section("ipc").readBytes(10));
            assertTrue(changed.getMessage().contains("section 'ipc' checksum mismatch"), changed.getMessage());
        }
    }

    @Test
    void anUnknownSectionIsNotFound() throws IOException {
        ImageInfo image = TestImages.small(store, "p1");
        try (ImageReader reader = store.open(image.id())) {
            ImageException failure = assertThrows(ImageException.class, () -> reader.section("pty"));
            assertEquals(Reason.NOT_FOUND, failure.reason());
            assertTrue(failure.getMessage().contains("has no section 'pty'"));
        }
    }

    @Test
    void sectionNamesAndVersionsAreCheckedWhenWritten() throws IOException {
        try (ImageWriter writer = store.create(header("p1"))) {
            assertThrows(IllegalArgumentException.class, () -> writer.section("Bad Name", 1));
            SectionOutput ipc = writer.section("ipc", 1);
            assertThrows(IllegalArgumentException.class, () -> writer.section("ipc", 1));
            assertThrows(IllegalArgumentException.class, () -> writer.section("pty", 0));
            writer.section("pty", 1);
            assertThrows(IOException.class, () -> ipc.writeInt(1), "a section is closed when the next one starts");
        }
    }

    @Test
    void aHeaderOfAnotherFormatVersionIsNotWritten() {
        ImageHeader future = new ImageHeader(2, "p1", PartitionSpec.DEFAULT, "node1", TestImages.CREATED, Map.of());
        ImageException failure = assertThrows(ImageException.class, () -> store.create(future));
        assertEquals(Reason.UNSUPPORTED_VERSION, failure.reason());
    }
}
