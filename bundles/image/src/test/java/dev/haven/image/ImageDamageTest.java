package dev.haven.image;

import static dev.haven.image.TestImages.failsAllocatingLessThan;
import static dev.haven.image.TestImages.header;
import static dev.haven.image.TestImages.reseal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.ImageException.Reason;
import dev.haven.api.checkpoint.ImageInfo;
import dev.haven.api.checkpoint.ImageReader;
import dev.haven.api.checkpoint.ImageWriter;
import dev.haven.api.checkpoint.SectionInfo;
import dev.haven.api.checkpoint.SectionOutput;

/** Damaged and hostile images: each is refused, with a message that names the damaged part. */
class ImageDamageTest {
    /** Far below any hostile length used here, far above what reading a small image needs. */
    private static final long ALLOCATION_BOUND = 4 << 20;

    @TempDir
    Path directory;
    private LocalImageStore store;
    private Path copy;

    @BeforeEach
    void createStore() throws IOException {
        store = new LocalImageStore(directory.resolve("store"), 3);
        copy = directory.resolve("copy.hvi");
    }

    private ImageException verifyFails(byte[] bytes) throws IOException {
        Files.write(copy, bytes);
        return assertThrows(ImageException.class, () -> store.verify(copy.toString()));
    }

    private byte[] smallImage() throws IOException {
        return Files.readAllBytes(TestImages.small(store, "p1").path());
    }

    @Test
    void flippingAnyByteOfASmallImageFailsNamingThePartItLiesIn() throws IOException {
        ImageInfo image = TestImages.small(store, "p1");
        byte[] original = Files.readAllBytes(image.path());
        for (int position = 0; position < original.length; position++) {
            byte[] damaged = original.clone();
            damaged[position] ^= 0x5a;
            String failure = verifyFails(damaged).getMessage();
            String part = partAt(image, position);
            assertTrue(failure.contains(part), "byte " + position + " lies in the " + part + ", but: " + failure);
        }
    }

    @Test
    void flippingABitAtRandomPositionsOfABiggerImageFailsNamingThePart() throws IOException {
        Random random = new Random(7);
        ImageInfo image;
        try (ImageWriter writer = store.create(header("p1"))) {
            for (int s = 0; s < 40; s++) {
                SectionOutput out = writer.section("s" + s, 1);
                byte[] data = new byte[random.nextInt(64 * 1024)];
                random.nextBytes(data);
                out.write(data);
            }
            image = writer.commit();
        }
        byte[] original = Files.readAllBytes(image.path());
        for (int i = 0; i < 300; i++) {
            int position = random.nextInt(original.length);
            byte[] damaged = original.clone();
            damaged[position] ^= (byte) (1 << random.nextInt(8));
            String failure = verifyFails(damaged).getMessage();
            String part = partAt(image, position);
            assertTrue(failure.contains(part), "byte " + position + " lies in the " + part + ", but: " + failure);
        }
    }

    /** The words an error about a byte at this position must contain. */
    private static String partAt(ImageInfo image, long position) {
        if (position < image.sections().get(0).offset()) {
            return "header";
        }
        for (SectionInfo section : image.sections()) {
            if (position >= section.offset() && position < section.offset() + section.length()) {
                return "section '" + section.name() + "'";
            }
        }
        return position >= image.size() - ImageFormat.TRAILER ? "trailer" : "table of contents";
    }

    @Test
    void truncationAtEveryLengthIsReportedAsTruncation() throws IOException {
        byte[] original = smallImage();
        for (int length = 0; length < original.length; length++) {
            ImageException failure = verifyFails(Arrays.copyOf(original, length));
            assertTrue(failure.getMessage().contains("truncated"), "cut to " + length + ": " + failure.getMessage());
        }
    }

    @Test
    void bytesAppendedAfterTheTrailerAreReportedAsTrailingData() throws IOException {
        byte[] original = smallImage();
        for (int extra : new int[] { 1, 7, 28, 4096 }) {
            ImageException failure = verifyFails(Arrays.copyOf(original, original.length + extra));
            assertEquals(Reason.CORRUPT, failure.reason());
            assertTrue(failure.getMessage().contains("trailing data after trailer: " + extra + " bytes"), failure.getMessage());
        }
        ImageException farAway = verifyFails(Arrays.copyOf(original, original.length + (1 << 20)));
        assertTrue(farAway.getMessage().contains("no trailer at the end of the file"), farAway.getMessage());
    }

    @Test
    void bytesInsertedBeforeAValidTrailerAreDetected() throws IOException {
        byte[] original = smallImage();
        int trailer = original.length - ImageFormat.TRAILER;
        byte[] inserted = new byte[original.length + 5];
        System.arraycopy(original, 0, inserted, 0, trailer);
        System.arraycopy(original, trailer, inserted, trailer + 5, ImageFormat.TRAILER);
        ImageException failure = verifyFails(inserted);
        assertTrue(failure.getMessage().contains("5 bytes between the table of contents"), failure.getMessage());
    }

    @Test
    void aNewerFormatVersionIsUnsupportedNotCorrupt() throws IOException {
        byte[] bytes = smallImage();
        bytes[9] = 7;
        ImageException damaged = verifyFails(bytes);
        assertEquals(Reason.CORRUPT, damaged.reason(), "a version byte the checksum does not cover is damage");
        ImageException future = verifyFails(reseal(bytes));
        assertEquals(Reason.UNSUPPORTED_VERSION, future.reason());
        assertTrue(future.getMessage().contains("unsupported format version 7 (this runtime reads 1)"), future.getMessage());
    }

    // Hostile fields. Each file is resealed, so every checksum holds and only the bounds stand in the way.

    @Test
    void aHugeHeaderLengthFailsWithoutAllocating() throws IOException {
        byte[] bytes = smallImage();
        ByteBuffer.wrap(bytes).putInt(12, Integer.MAX_VALUE);
        Files.write(copy, reseal(bytes));
        ImageException failure = failsAllocatingLessThan(ALLOCATION_BOUND, () -> store.verify(copy.toString()));
        assertTrue(failure.getMessage().contains("header length 2147483647 is impossible"), failure.getMessage());
    }

    @Test
    void aHugeLimitCountInTheHeaderFailsWithoutAllocating() throws IOException {
        byte[] bytes = smallImage();
        ByteBuffer.wrap(bytes).putInt(TestImages.limitCountOffset("p1"), Integer.MAX_VALUE);
        Files.write(copy, reseal(bytes));
        ImageException failure = failsAllocatingLessThan(ALLOCATION_BOUND, () -> store.verify(copy.toString()));
        assertTrue(failure.getMessage().contains("header claims 2147483647 limits (at most 4096)"), failure.getMessage());
    }

    @Test
    void aHugeStringLengthInTheHeaderFailsWithoutAllocating() throws IOException {
        byte[] bytes = smallImage();
        ByteBuffer.wrap(bytes).putShort(ImageFormat.PREAMBLE, (short) 0xFFFF);
        Files.write(copy, reseal(bytes));
        ImageException failure = failsAllocatingLessThan(ALLOCATION_BOUND, () -> store.verify(copy.toString()));
        assertTrue(failure.getMessage().contains("header has a string of 65535 bytes where only"), failure.getMessage());
    }

    @Test
    void aHugeTableOfContentsLengthFailsWithoutAllocating() throws IOException {
        byte[] bytes = smallImage();
        ByteBuffer.wrap(bytes).putInt(bytes.length - ImageFormat.TRAILER + 8, Integer.MAX_VALUE);
        Files.write(copy, reseal(bytes));
        ImageException failure = failsAllocatingLessThan(ALLOCATION_BOUND, () -> store.verify(copy.toString()));
        assertTrue(failure.getMessage().contains("trailer points at an impossible table of contents"), failure.getMessage());
    }

    @Test
    void aTableOfContentsBeyondTheEndOfTheFileIsTruncation() throws IOException {
        byte[] bytes = smallImage();
        ByteBuffer.wrap(bytes).putLong(bytes.length - ImageFormat.TRAILER, Long.MAX_VALUE - 10);
        ImageException failure = verifyFails(reseal(bytes));
        assertEquals(Reason.TRUNCATED, failure.reason());
        assertTrue(failure.getMessage().contains("file truncated: table of contents at offset " + (Long.MAX_VALUE - 10)),
                failure.getMessage());
        assertTrue(failure.getMessage().contains("beyond end of file (size " + bytes.length + ")"), failure.getMessage());
    }

    @Test
    void aHugeSectionCountFailsWithoutAllocating() throws IOException {
        byte[] bytes = smallImage();
        ByteBuffer.wrap(bytes).putInt((int) TestImages.tocOffset(bytes) + 4, Integer.MAX_VALUE);
        Files.write(copy, reseal(bytes));
        ImageException failure = failsAllocatingLessThan(ALLOCATION_BOUND, () -> store.verify(copy.toString()));
        assertTrue(failure.getMessage().contains("table of contents claims 2147483647 sections (at most 4096)"),
                failure.getMessage());
    }

    @Test
    void aSectionLengthThatWouldWrapAroundIsRefused() throws IOException {
        byte[] bytes = smallImage();
        int firstLength = (int) TestImages.tocOffset(bytes) + 8 + 2 + "processes".length() + 4 + 8;
        ByteBuffer.wrap(bytes).putLong(firstLength, Long.MAX_VALUE);
        Files.write(copy, reseal(bytes));
        ImageException failure = failsAllocatingLessThan(ALLOCATION_BOUND, () -> store.verify(copy.toString()));
        assertTrue(failure.getMessage().contains("section 'processes' at offset"), failure.getMessage());
        assertTrue(failure.getMessage().contains("does not fit"), failure.getMessage());
    }

    @Test
    void aHugeFieldLengthInsideASectionFailsWithoutAllocating() throws IOException {
        ImageInfo liar;
        try (ImageWriter writer = store.create(header("liar"))) {
            writer.section("ipc", 1).writeInt(Integer.MAX_VALUE);
            liar = writer.commit();
        }
        try (ImageReader reader = store.open(liar.id())) {
            ImageException bytes = failsAllocatingLessThan(ALLOCATION_BOUND,
                    () -> reader.section("ipc").readBytes(Integer.MAX_VALUE));
            assertTrue(bytes.getMessage().contains("section 'ipc' holds a field of 2147483647 bytes but only 0 remain"),
                    bytes.getMessage());
            ImageException string = failsAllocatingLessThan(ALLOCATION_BOUND,
                    () -> reader.section("ipc").readString(Integer.MAX_VALUE));
            assertTrue(string.getMessage().contains("only 0 remain"), string.getMessage());
        }
    }

    @Test
    void aFileThatIsNoImageAtAllIsRefusedAtItsMagic() throws IOException {
        byte[] text = new byte[200];
        Arrays.fill(text, (byte) 'x');
        ImageException failure = verifyFails(text);
        assertEquals(Reason.CORRUPT, failure.reason());
        assertTrue(failure.getMessage().contains("not a Haven image (bad magic in header)"), failure.getMessage());
    }
}
