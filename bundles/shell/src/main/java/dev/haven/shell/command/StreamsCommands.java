package dev.haven.shell.command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.haven.api.streams.ComponentInfo;
import dev.haven.api.streams.ModuleInfo;
import dev.haven.api.streams.StreamInfo;
import dev.haven.api.streams.StreamsAdmin;

/** {@code streams:list} and {@code streams:modules}: a partition's streams, and the modules and drivers that can be pushed and opened. */
@Component(service = StreamsCommands.class, property = { "osgi.command.scope=streams", "osgi.command.function=list",
        "osgi.command.function=modules" })
public final class StreamsCommands {
    private final StreamsAdmin streams;

    @Activate
    public StreamsCommands(@Reference StreamsAdmin streams) {
        this.streams = streams;
    }

    @Descriptor("list a partition's streams: descriptors, driver, modules top to bottom, flags, and per queue the messages, bytes, water marks and flags")
    public String list(
            @Descriptor("show the node kernel's real stream ids beside the virtual ones") @Parameter(names = { "-r", "--real" },
                    presentValue = "true", absentValue = "false") boolean real,
            @Descriptor("print JSON instead of tables") @Parameter(names = "--json", presentValue = "true",
                    absentValue = "false") boolean json,
            @Descriptor("the partition") String partition) {
        List<StreamInfo> all = streams.streams(partition);
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (StreamInfo stream : all) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("id", stream.id());
                entry.put("realId", stream.realId());
                entry.put("descriptors", stream.descriptors());
                entry.put("driver", stream.driver());
                entry.put("modules", stream.modules());
                entry.put("peer", stream.peer());
                entry.put("flags", stream.flags());
                List<Map<String, Object>> queues = new ArrayList<>();
                for (StreamInfo.QueueInfo queue : stream.queues()) {
                    Map<String, Object> q = new LinkedHashMap<>();
                    q.put("owner", queue.owner());
                    q.put("side", queue.readSide() ? "read" : "write");
                    q.put("messages", queue.messages());
                    q.put("bytes", queue.bytes());
                    q.put("hiwat", queue.hiwat());
                    q.put("lowat", queue.lowat());
                    q.put("flags", queue.flags());
                    queues.add(q);
                }
                entry.put("queues", queues);
                out.add(entry);
            }
            return Json.write(out);
        }
        if (all.isEmpty()) {
            return "partition " + partition + " has no streams";
        }
        StringBuilder out = new StringBuilder();
        for (StreamInfo stream : all) {
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append("stream ").append(stream.id());
            if (real) {
                out.append(" (real ").append(stream.realId()).append(')');
            }
            out.append("  fd ").append(stream.descriptors().isEmpty() ? "-" : join(stream.descriptors()));
            out.append("  driver ").append(stream.driver());
            if (stream.peer() >= 0) {
                out.append(" (peer stream ").append(stream.peer()).append(')');
            }
            out.append("  modules ").append(stream.modules().isEmpty() ? "-" : String.join(" > ", stream.modules()));
            out.append("  flags ").append(stream.flags().isEmpty() ? "-" : String.join(",", stream.flags())).append('\n');
            Table table = new Table("QUEUE", "SIDE", "MSGS", "BYTES", "HIWAT", "LOWAT", "FLAGS");
            for (StreamInfo.QueueInfo queue : stream.queues()) {
                table.row(queue.owner(), queue.readSide() ? "read" : "write", queue.messages(), queue.bytes(), queue.hiwat(),
                        queue.lowat(), queue.flags().isEmpty() ? "-" : String.join(",", queue.flags()));
            }
            out.append(table);
        }
        return out.toString();
    }

    private static String join(List<Integer> values) {
        return String.join(",", values.stream().map(String::valueOf).toList());
    }

    @Descriptor("list the registered STREAMS drivers and modules with their module_info, state version and bundle")
    public String modules(@Descriptor("print JSON instead of a table") @Parameter(names = "--json", presentValue = "true",
            absentValue = "false") boolean json) {
        List<ComponentInfo> components = streams.components();
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (ComponentInfo component : components) {
                Map<String, Object> entry = new LinkedHashMap<>();
                ModuleInfo info = component.info();
                entry.put("kind", component.kind());
                entry.put("name", info.name());
                entry.put("id", info.id());
                entry.put("minPacket", info.minPacket());
                entry.put("maxPacket", info.maxPacket());
                entry.put("hiwat", info.hiwat());
                entry.put("lowat", info.lowat());
                entry.put("stateVersion", component.stateVersion());
                entry.put("bundle", component.bundle());
                entry.put("description", component.description());
                out.add(entry);
            }
            return Json.write(out);
        }
        Table table = new Table("KIND", "NAME", "ID", "MINPSZ", "MAXPSZ", "HIWAT", "LOWAT", "STATE-V", "BUNDLE", "DESCRIPTION");
        for (ComponentInfo component : components) {
            ModuleInfo info = component.info();
            table.row(component.kind(), info.name(), String.format("0x%04x", info.id()), info.minPacket(),
                    info.maxPacket() == ModuleInfo.INFPSZ ? "INF" : info.maxPacket(), info.hiwat(), info.lowat(),
                    component.stateVersion(), component.bundle(), component.description());
        }
        return table.toString();
    }
}
