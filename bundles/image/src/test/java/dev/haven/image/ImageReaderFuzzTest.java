package dev.haven.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.SectionInfo;
import dev.haven.api.checkpoint.SectionInput;

/**
 * The image reader fed arbitrary bytes must refuse them with an {@link ImageException}: never another
 * exception, never an allocation sized by a hostile field. In the test suite each target runs its seed
 * inputs under {@code src/test/resources/dev/haven/image/ImageReaderFuzzTestInputs/<target>/}
 * (regression mode); bench/FUZZING.md describes a real fuzzing session.
 */
class ImageReaderFuzzTest {
    private Path file;

    @BeforeEach
    void createFile() throws IOException {
        file = Files.createTempFile("fuzz", ".hvi");
    }

    @AfterEach
    void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    /** Raw bytes: mostly exercises the checks that come before any checksum holds. */
    @FuzzTest(maxDuration = "30s")
    void verifyRefusesAnythingButAWholeImageWithAnImageException(byte[] data) throws IOException {
        readWhole(data);
    }

    /**
     * The same bytes with their checksums recomputed, as an attacker would: this takes the fuzzer past
     * the CRCs into the header, table of contents and section parsers.
     */
    @FuzzTest(maxDuration = "30s")
    void verifyRefusesResealedDamageWithAnImageException(byte[] data) throws IOException {
        readWhole(TestImages.reseal(data));
    }

    private void readWhole(byte[] data) throws IOException {
        Files.write(file, data);
        try (ImageFileReader reader = ImageFileReader.open(file, "fuzz")) {
            for (SectionInfo section : reader.info().sections()) {
                SectionInput in = reader.section(section.name());
                while (in.remaining() > 0) {
                    in.readBytes(1 << 20);
                }
            }
        } catch (ImageException expected) {
            // every damaged input must end here
        }
    }
}
