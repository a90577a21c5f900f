package dev.haven.ha;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.haven.api.ha.HaEvent;

/**
 * The persisted HA event log: one tab-separated line per event (time, partition, kind, message),
 * appended and flushed as it happens, read back whole when the manager starts. Thread-safe by its monitor.
 */
final class HaLog {
    private final Path file;
    private final List<HaEvent> events = new ArrayList<>();

    HaLog(Path file) {
        this.file = file;
        try {
            Files.createDirectories(file.getParent());
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] fields = line.split("\t", 4);
                    if (fields.length == 4) {
                        events.add(new HaEvent(Instant.parse(fields[0]), fields[1], HaEvent.Kind.valueOf(fields[2]), fields[3]));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the HA event log " + file, e);
        }
    }

    synchronized HaEvent add(String partition, HaEvent.Kind kind, String message) {
        HaEvent event = new HaEvent(Instant.now(), partition, kind, message.replace('\t', ' ').replace('\n', ' '));
        events.add(event);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            out.write(event.at() + "\t" + partition + "\t" + kind + "\t" + event.message() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the HA event log " + file, e);
        }
        return event;
    }

    synchronized List<HaEvent> events(Optional<String> partition) {
        return events.stream().filter(event -> partition.map(event.partition()::equals).orElse(true)).toList();
    }
}
