package dev.haven.kernel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.ImageHeader;
import dev.haven.api.checkpoint.ImageInfo;
import dev.haven.api.checkpoint.ImageReader;
import dev.haven.api.checkpoint.ImageStore;
import dev.haven.api.checkpoint.ImageWriter;
import dev.haven.api.checkpoint.SectionInfo;
import dev.haven.api.checkpoint.SectionInput;
import dev.haven.api.checkpoint.SectionOutput;

/**
 * An image store in memory, for unit tests of the orchestration; the real container format and
 * its damage detection are tested in the image bundle.
 */
final class MemoryImageStore implements ImageStore {
    private record Stored(ImageInfo info, Map<String, byte[]> sections) {
    }

    private final Map<String, Stored> images = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    @Override
    public ImageWriter create(ImageHeader header) {
        return writer(header);
    }

    @Override
    public ImageWriter create(ImageHeader header, Path directory) {
        return writer(header);
    }

    private ImageWriter writer(ImageHeader header) {
        Map<String, ByteArrayOutputStream> sections = new LinkedHashMap<>();
        Map<String, Integer> versions = new LinkedHashMap<>();
        return new ImageWriter() {
            public SectionOutput section(String name, int version) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                sections.put(name, bytes);
                versions.put(name, version);
                return new MemoryOutput(bytes);
            }

            public ImageInfo commit() {
                String id = header.partition() + "-" + ids.incrementAndGet();
                List<SectionInfo> infos = new ArrayList<>();
                Map<String, byte[]> data = new LinkedHashMap<>();
                long size = 0;
                for (var entry : sections.entrySet()) {
                    byte[] content = entry.getValue().toByteArray();
                    infos.add(new SectionInfo(entry.getKey(), versions.get(entry.getKey()), size, content.length, 0));
                    data.put(entry.getKey(), content);
                    size += content.length;
                }
                ImageInfo info = new ImageInfo(id, Path.of(id + ".hvi"), header, infos, size);
                images.put(id, new Stored(info, data));
                return info;
            }

            public long written() {
                return sections.values().stream().mapToLong(ByteArrayOutputStream::size).sum();
            }

            public void close() {
            }
        };
    }

    /** Adds a section the orchestrator will not know, to an image already stored. */
    void addForeignSection(String id, String name) {
        Stored stored = images.get(id);
        List<SectionInfo> sections = new ArrayList<>(stored.info().sections());
        sections.add(new SectionInfo(name, 1, 0, 0, 0));
        ImageInfo info = new ImageInfo(id, stored.info().path(), stored.info().header(), sections, stored.info().size());
        Map<String, byte[]> data = new LinkedHashMap<>(stored.sections());
        data.put(name, new byte[0]);
        images.put(id, new Stored(info, data));
    }

    @Override
    public List<ImageInfo> list(Optional<String> partition) {
        return images.values().stream().map(Stored::info)
                .filter(info -> partition.map(info.header().partition()::equals).orElse(true)).toList();
    }

    @Override
    public Optional<ImageInfo> latest(String partition) {
        return list(Optional.of(partition)).stream()
                .max((a, b) -> Integer.compare(number(a.id()), number(b.id())));
    }

    private static int number(String id) {
        return Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
    }

    @Override
    public ImageInfo inspect(String ref) throws IOException {
        return find(ref).info();
    }

    @Override
    public ImageInfo verify(String ref) throws IOException {
        return find(ref).info();
    }

    @Override
    public ImageReader open(String ref) throws IOException {
        Stored stored = find(ref);
        return new ImageReader() {
            public ImageInfo info() {
                return stored.info();
            }

            public SectionInput section(String name) throws IOException {
                byte[] data = stored.sections().get(name);
                if (data == null) {
                    throw new ImageException(ImageException.Reason.NOT_FOUND, "no section " + name);
                }
                return new MemoryInput(data);
            }

            public void close() {
            }
        };
    }

    @Override
    public void remove(String ref) throws IOException {
        images.remove(find(ref).info().id());
    }

    private Stored find(String ref) throws ImageException {
        String id = ref.endsWith(".hvi") ? Path.of(ref).getFileName().toString().replace(".hvi", "") : ref;
        Stored stored = images.get(id);
        if (stored == null) {
            throw new ImageException(ImageException.Reason.NOT_FOUND, "no image " + ref);
        }
        return stored;
    }

    private static final class MemoryOutput extends DataOutputStream implements SectionOutput {
        MemoryOutput(ByteArrayOutputStream bytes) {
            super(bytes);
        }

        public void writeString(String value) throws IOException {
            writeBytes(value.getBytes(StandardCharsets.UTF_8));
        }

        public void writeBytes(byte[] value) throws IOException {
            writeInt(value.length);
            write(value);
        }

        public OutputStream stream() {
            return this;
        }

        public long written() {
            return size();
        }
    }

    private static final class MemoryInput extends DataInputStream implements SectionInput {
        MemoryInput(byte[] data) {
            super(new ByteArrayInputStream(data));
        }

        public String readString(int maxLength) throws IOException {
            return new String(readBytes(maxLength), StandardCharsets.UTF_8);
        }

        public byte[] readBytes(int maxLength) throws IOException {
            int length = readInt();
            if (length < 0 || length > maxLength || length > available()) {
                throw new ImageException(ImageException.Reason.CORRUPT, "bad length " + length);
            }
            return readNBytes(length);
        }

        public InputStream stream() {
            return this;
        }

        public long remaining() {
            try {
                return available();
            } catch (IOException e) {
                return 0;
            }
        }
    }
}
