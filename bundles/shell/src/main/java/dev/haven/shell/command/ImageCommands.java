package dev.haven.shell.command;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.haven.api.checkpoint.ImageInfo;
import dev.haven.api.checkpoint.ImageStore;
import dev.haven.api.checkpoint.SectionInfo;

/** {@code image:*}: list, explain, verify and remove checkpoint images. */
@Component(service = ImageCommands.class, property = { "osgi.command.scope=image", "osgi.command.function=list",
        "osgi.command.function=inspect", "osgi.command.function=verify", "osgi.command.function=rm" })
public final class ImageCommands {
    private final ImageStore images;

    @Activate
    public ImageCommands(@Reference ImageStore images) {
        this.images = images;
    }

    @Descriptor("list the images in the store, newest first")
    public String list(@Descriptor("print JSON instead of a table") @Parameter(names = "--json", presentValue = "true",
            absentValue = "false") boolean json, @Descriptor("only this partition's images") String... partition) throws IOException {
        if (partition.length > 1) {
            throw new IllegalArgumentException("image:list takes at most one partition name");
        }
        List<ImageInfo> infos = images.list(partition.length == 0 ? Optional.empty() : Optional.of(partition[0]));
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            infos.forEach(info -> out.add(imageJson(info)));
            return Json.write(out);
        }
        if (infos.isEmpty()) {
            return "no images";
        }
        Table table = new Table("IMAGE", "PARTITION", "NODE", "CREATED", "SIZE", "SECTIONS", "KIND");
        for (ImageInfo info : infos) {
            table.row(info.id(), info.header().partition(), info.header().sourceNode(),
                    info.header().created().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                    Bytes.format(info.size()), info.sections().size(), info.header().attributes().getOrDefault("kind", "-"));
        }
        return table.toString();
    }

    @Descriptor("explain an image: header, sections with sizes, versions and checksums")
    public String inspect(@Descriptor("print JSON instead of text") @Parameter(names = "--json", presentValue = "true",
            absentValue = "false") boolean json, @Descriptor("an image id or file") String image) throws IOException {
        ImageInfo info = images.inspect(image);
        if (json) {
            return Json.write(imageJson(info));
        }
        StringBuilder out = new StringBuilder();
        out.append("image      ").append(info.id()).append('\n');
        out.append("file       ").append(info.path()).append(" (").append(Bytes.format(info.size())).append(")\n");
        out.append("format     version ").append(info.header().formatVersion()).append('\n');
        out.append("partition  ").append(info.header().partition()).append(" (checkpointable ")
                .append(info.header().spec().checkpointable()).append(", limits ").append(info.header().spec().limits())
                .append(")\n");
        out.append("node       ").append(info.header().sourceNode()).append('\n');
        out.append("created    ").append(info.header().created()).append('\n');
        info.header().attributes().forEach((key, value) -> out.append(String.format("%-10s %s%n", key, value)));
        Table table = new Table("SECTION", "VERSION", "OFFSET", "LENGTH", "CRC32C");
        for (SectionInfo section : info.sections()) {
            table.row(section.name(), section.version(), section.offset(), Bytes.format(section.length()),
                    String.format("%08x", section.crc32c()));
        }
        return out.append('\n').append(table).toString();
    }

    @Descriptor("check an image whole: header, table of contents and every section's checksum")
    public String verify(@Descriptor("an image id or file") String image) throws IOException {
        ImageInfo info = images.verify(image);
        return "image " + info.id() + " is intact: " + info.sections().size() + " sections, " + Bytes.format(info.size());
    }

    @Descriptor("remove an image from the store")
    public String rm(@Descriptor("an image id") String image) throws IOException {
        images.remove(image);
        return "image " + image + " removed";
    }

    private static Map<String, Object> imageJson(ImageInfo info) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", info.id());
        entry.put("path", info.path().toString());
        entry.put("size", info.size());
        entry.put("formatVersion", info.header().formatVersion());
        entry.put("partition", info.header().partition());
        entry.put("checkpointable", info.header().spec().checkpointable());
        entry.put("limits", info.header().spec().limits());
        entry.put("sourceNode", info.header().sourceNode());
        entry.put("created", info.header().created().toString());
        entry.put("attributes", info.header().attributes());
        List<Map<String, Object>> sections = new ArrayList<>();
        for (SectionInfo section : info.sections()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", section.name());
            s.put("version", section.version());
            s.put("offset", section.offset());
            s.put("length", section.length());
            s.put("crc32c", String.format("%08x", section.crc32c()));
            sections.add(s);
        }
        entry.put("sections", sections);
        return entry;
    }
}
