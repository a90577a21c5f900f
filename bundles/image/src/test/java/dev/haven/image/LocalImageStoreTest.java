package dev.haven.image;

import static dev.haven.image.TestImages.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.ImageException.Reason;
import dev.haven.api.checkpoint.ImageInfo;
import dev.haven.api.checkpoint.ImageWriter;

class LocalImageStoreTest {
    @TempDir
    Path directory;
    private LocalImageStore store;

    @BeforeEach
    void createStore() throws IOException {
        store = new LocalImageStore(directory, 3);
    }

    private List<String> files() throws IOException {
        try (var files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> ids(List<ImageInfo> images) {
        return images.stream().map(ImageInfo::id).toList();
    }

    @Test
    void idsAreUniqueAndIncreasingEvenForImagesTakenInTheSameMillisecond() throws IOException {
        List<String> ids = new ArrayList<>();
        List<ImageWriter> writers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            writers.add(store.create(header("p1")));
        }
        for (ImageWriter writer : writers) {
            ids.add(writer.commit().id());
        }
        assertEquals(List.of("p1-20261125T101530.123Z", "p1-20261125T101530.124Z", "p1-20261125T101530.125Z"), ids);
    }

    @Test
    void onlyTheNewestImagesOfEachPartitionAreKept() throws IOException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(TestImages.small(store, "p1").id());
        }
        String other = TestImages.small(store, "p2").id();
        assertEquals(List.of(ids.get(4), ids.get(3), ids.get(2)), ids(store.list(Optional.of("p1"))));
        assertEquals(List.of(other), ids(store.list(Optional.of("p2"))));
        assertEquals(4, store.list(Optional.empty()).size());
    }

    @Test
    void listingIsNewestFirstAndOnePartitionLeavesOutPartitionsWhoseNamesStartTheSame() throws IOException {
        String p1 = TestImages.small(store, "p1").id();
        String p1x = TestImages.small(store, header("p1-x", TestImages.CREATED.minusSeconds(60))).id();
        assertEquals(List.of(p1), ids(store.list(Optional.of("p1"))));
        assertEquals(List.of(p1, p1x), ids(store.list(Optional.empty())), "newest first, whatever the ids say");
        assertEquals(p1x, store.latest("p1-x").orElseThrow().id());
        assertEquals(Optional.empty(), store.latest("p3"));
    }

    @Test
    void anUncommittedWriterLeavesNothingBehind() throws IOException {
        try (ImageWriter writer = store.create(header("p1"))) {
            writer.section("processes", 1).write(new byte[1 << 20]);
        }
        assertEquals(List.of(), files());
        assertEquals(List.of(), store.list(Optional.empty()));
    }

    @Test
    void theTemporaryFileOfACrashedWriterIsIgnoredAndRemovedWhenTheStoreStarts() throws IOException {
        ImageInfo committed = TestImages.small(store, "p1");
        byte[] whole = Files.readAllBytes(committed.path());
        Path crashed = directory.resolve(".p1-20261125T101531.000Z.tmp");
        Files.write(crashed, Arrays.copyOf(whole, whole.length - 40));
        assertEquals(List.of(committed.id()), ids(store.list(Optional.of("p1"))));
        assertEquals(committed.id(), store.latest("p1").orElseThrow().id());

        new LocalImageStore(directory, 3);
        assertEquals(List.of(committed.path().getFileName().toString()), files());
    }

    @Test
    void anImageWhoseHeaderIsDamagedIsNotListed() throws IOException {
        String intact = TestImages.small(store, "p1").id();
        ImageInfo damaged = TestImages.small(store, "p1");
        byte[] bytes = Files.readAllBytes(damaged.path());
        bytes[20] ^= 1;
        Files.write(damaged.path(), bytes);
        assertEquals(List.of(intact), ids(store.list(Optional.of("p1"))));
        assertEquals(intact, store.latest("p1").orElseThrow().id());
    }

    @Test
    void imagesWrittenToAnotherDirectoryAreNeitherListedNorPruned() throws IOException {
        Path elsewhere = directory.resolve("exports");
        List<ImageInfo> exported = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try (ImageWriter writer = store.create(header("p1"), elsewhere)) {
                writer.section("processes", 1).writeInt(0);
                exported.add(writer.commit());
            }
        }
        assertEquals(elsewhere.resolve(exported.get(0).id() + ".hvi"), exported.get(0).path());
        assertEquals(List.of(), store.list(Optional.empty()));
        for (ImageInfo image : exported) {
            assertEquals(image.sections(), store.verify(image.path().toString()).sections());
        }
    }

    @Test
    void anImageIsFoundByItsIdOrByThePathOfItsFile() throws IOException {
        ImageInfo image = TestImages.small(store, "p1");
        assertEquals(image, store.inspect(image.id()));
        assertEquals(image, store.inspect(image.path().toString()));
        assertEquals(image, store.verify(image.path().toString()));
    }

    @Test
    void removingDeletesTheImageAndAnUnknownOneIsNotFound() throws IOException {
        ImageInfo image = TestImages.small(store, "p1");
        store.remove(image.id());
        assertEquals(List.of(), files());
        assertEquals(Reason.NOT_FOUND, assertThrows(ImageException.class, () -> store.remove(image.id())).reason());
        assertEquals(Reason.NOT_FOUND, assertThrows(ImageException.class, () -> store.verify("p1-nope")).reason());
        assertEquals(Reason.NOT_FOUND, assertThrows(ImageException.class, () -> store.open("")).reason());
    }

    @Test
    void removingAFileThatIsNoImageIsRefused() throws IOException {
        Path notes = directory.resolve("notes.txt");
        Files.writeString(notes, "keep me");
        ImageException refused = assertThrows(ImageException.class, () -> store.remove(notes.toString()));
        assertTrue(refused.getMessage().contains("not an image file"), refused.getMessage());
        assertTrue(Files.exists(notes));
    }

    @Test
    void aPartitionNameThatCannotBeAFileNameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> store.create(header("../p1")));
        assertThrows(IllegalArgumentException.class, () -> store.create(header(".p1")));
    }

    @Test
    void keepingFewerThanOneImageIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> new LocalImageStore(directory, 0));
    }

    @Test
    void theDefaultDirectoryIsImagesUnderHavenHome() throws IOException {
        Path home = directory.resolve("home");
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { BundleContext.class },
                (proxy, method, args) -> method.getName().equals("getProperty") && "haven.home".equals(args[0])
                        ? home.toString()
                        : null);
        LocalImageStoreConfig defaults = config(Map.of());
        assertEquals(home.resolve("images"), new LocalImageStore(context, defaults).directory());
        assertEquals(5, defaults.keep());

        Path configured = directory.resolve("configured");
        assertEquals(configured, new LocalImageStore(context, config(Map.of("directory", configured.toString()))).directory());
    }

    /** The typed configuration as SCR builds it: configured values, else the annotation's defaults. */
    private static LocalImageStoreConfig config(Map<String, Object> values) {
        return (LocalImageStoreConfig) Proxy.newProxyInstance(LocalImageStoreConfig.class.getClassLoader(),
                new Class<?>[] { LocalImageStoreConfig.class },
                (proxy, method, args) -> values.getOrDefault(method.getName(), method.getDefaultValue()));
    }
}
