package dev.haven.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.haven.api.checkpoint.ImageException;

/**
 * The image reader fed arbitrary bytes must refuse them with an {@link ImageException} — never another
 * exception, never an allocation sized by a hostile field. In the test suite this runs the seed inputs
 * under {@code src/test/resources/dev/haven/image/ImageReaderFuzzTestInputs/} (regression mode); a real
 * fuzzing session is described in bench/FUZZING.md.
 */
class ImageReaderFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void verifyRefusesAnythingButAWholeImageWithAnImageException(byte[] data) throws IOException {
        Path file = Files.createTempFile("fuzz", ".hvi");
        try {
            Files.write(file, data);
            try {
                ImageFileReader.read(file, "fuzz", true);
                try (ImageFileReader reader = ImageFileReader.open(file, "fuzz")) {
                    for (var section : reader.info().sections()) {
                        var in = reader.section(section.name());
                        while (in.remaining() > 0) {
                            in.readBytes(1 << 20);
                        }
                    }
                }
            } catch (ImageException expected) {
                // every damaged input must end here
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
