package dev.haven.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.PartitionState;

/**
 * Partition definitions on disk, one properties file per partition under
 * {@code haven.home/partitions}, replaced atomically so a crash leaves the old or the new file.
 */
final class DefinitionStore {
    private static final String SUFFIX = ".partition";

    /** What survives a runtime restart of a partition. */
    record Definition(String name, String node, PartitionSpec spec, PartitionState state, Optional<String> reason) {
    }

    private final Path directory;

    DefinitionStore(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    /** One save at a time: they share a temporary file per partition, and the last state written must win whole. */
    synchronized void save(Definition definition) throws IOException {
        Files.createDirectories(directory);
        Properties properties = new Properties();
        properties.setProperty("name", definition.name());
        properties.setProperty("node", definition.node());
        properties.setProperty("state", definition.state().name());
        definition.reason().ifPresent(reason -> properties.setProperty("reason", reason));
        properties.setProperty("checkpointable", Boolean.toString(definition.spec().checkpointable()));
        definition.spec().limits().forEach((name, value) -> properties.setProperty("limit." + name, Long.toString(value)));
        Path target = directory.resolve(definition.name() + SUFFIX);
        Path temp = directory.resolve("." + definition.name() + SUFFIX + ".tmp");
        try (OutputStream out = Files.newOutputStream(temp)) {
            properties.store(out, "Haven partition definition");
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    synchronized void delete(String name) throws IOException {
        Files.deleteIfExists(directory.resolve(name + SUFFIX));
    }

    /** Every readable definition; an unreadable file is reported to {@code problems} and skipped. */
    List<Definition> loadAll(List<String> problems) {
        List<Definition> definitions = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return definitions;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                try {
                    definitions.add(load(file));
                } catch (IOException | RuntimeException e) {
                    problems.add(file + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
        return definitions;
    }

    private static Definition load(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        String name = Names.checkPartition(required(properties, "name"));
        if (!file.getFileName().toString().equals(name + SUFFIX)) {
            throw new IOException("names partition '" + name + "' but is not " + name + SUFFIX);
        }
        Map<String, Long> limits = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("limit.")) {
                limits.put(key.substring("limit.".length()), Long.parseLong(properties.getProperty(key)));
            }
        }
        PartitionSpec spec = new PartitionSpec(Boolean.parseBoolean(required(properties, "checkpointable")), limits);
        PartitionState state = PartitionState.valueOf(required(properties, "state"));
        return new Definition(name, required(properties, "node"), spec, state,
                Optional.ofNullable(properties.getProperty("reason")));
    }

    private static String required(Properties properties, String key) throws IOException {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IOException("missing '" + key + "'");
        }
        return value;
    }
}
