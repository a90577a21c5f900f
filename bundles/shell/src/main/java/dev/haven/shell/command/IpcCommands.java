package dev.haven.shell.command;

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

import dev.haven.api.ipc.IpcAdmin;
import dev.haven.api.ipc.IpcObjectInfo;

/** {@code ipc:ipcs} and {@code ipc:ipcrm}: the partitions' System V objects, as {@code ipcs -a} shows them. */
@Component(service = IpcCommands.class, property = { "osgi.command.scope=ipc", "osgi.command.function=ipcs",
        "osgi.command.function=ipcrm" })
public final class IpcCommands {
    private final IpcAdmin ipc;

    @Activate
    public IpcCommands(@Reference IpcAdmin ipc) {
        this.ipc = ipc;
    }

    @Descriptor("list System V IPC objects: T, ID, KEY, MODE, OWNER, GROUP, size and count")
    public String ipcs(
            @Descriptor("only this partition's objects") @Parameter(names = { "-p", "--partition" }, absentValue = "") String partition,
            @Descriptor("show the real ids of the node kernel beside the virtual ones") @Parameter(names = { "-r", "--real" },
                    presentValue = "true", absentValue = "false") boolean real,
            @Descriptor("print JSON instead of a table") @Parameter(names = "--json", presentValue = "true",
                    absentValue = "false") boolean json) {
        List<IpcObjectInfo> objects = ipc.list(partition.isEmpty() ? Optional.empty() : Optional.of(partition));
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (IpcObjectInfo object : objects) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("partition", object.partition());
                entry.put("kind", object.kind());
                entry.put("id", object.id());
                entry.put("realId", object.realId());
                entry.put("key", object.perm().key());
                entry.put("mode", String.format("%04o", object.perm().mode() & 07777));
                entry.put("uid", object.perm().uid());
                entry.put("gid", object.perm().gid());
                entry.put("cuid", object.perm().cuid());
                entry.put("cgid", object.perm().cgid());
                entry.put("size", object.size());
                entry.put("count", object.count());
                entry.put("removed", object.removed());
                out.add(entry);
            }
            return Json.write(out);
        }
        if (objects.isEmpty()) {
            return partition.isEmpty() ? "no IPC objects" : "partition " + partition + " has no IPC objects";
        }
        Table table = real ? new Table("PARTITION", "T", "ID", "REAL-ID", "KEY", "MODE", "OWNER", "GROUP", "CBYTES/NSEMS/SEGSZ", "QNUM/NATTCH")
                : new Table("PARTITION", "T", "ID", "KEY", "MODE", "OWNER", "GROUP", "CBYTES/NSEMS/SEGSZ", "QNUM/NATTCH");
        for (IpcObjectInfo object : objects) {
            String type = switch (object.kind()) {
                case "msg" -> "q";
                case "sem" -> "s";
                default -> "m";
            };
            String key = String.format("0x%08x", object.perm().key());
            String mode = String.format("%04o", object.perm().mode() & 0777) + (object.removed() ? " (removed)" : "");
            String count = object.kind().equals("sem") ? "-" : Long.toString(object.count());
            if (real) {
                table.row(object.partition(), type, object.id(), object.realId(), key, mode, object.perm().uid(),
                        object.perm().gid(), object.size(), count);
            } else {
                table.row(object.partition(), type, object.id(), key, mode, object.perm().uid(), object.perm().gid(),
                        object.size(), count);
            }
        }
        return table.toString();
    }

    @Descriptor("remove a System V IPC object of a partition, as its owner's IPC_RMID would")
    public String ipcrm(@Descriptor("the partition") @Parameter(names = { "-p", "--partition" }, absentValue = "") String partition,
            @Descriptor("msg, sem or shm") String kind, @Descriptor("the object's virtual id") String id) {
        if (partition.isEmpty()) {
            throw new IllegalArgumentException("ipcrm needs the partition: -p PARTITION");
        }
        ipc.remove(partition, kind, Arguments.integer(id, "ID", 0, Integer.MAX_VALUE));
        return kind + " " + id + " of " + partition + " removed";
    }
}
