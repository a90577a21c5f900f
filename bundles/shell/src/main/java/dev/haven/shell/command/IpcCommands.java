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
import dev.haven.api.ipc.PosixIpcAdmin;
import dev.haven.api.ipc.PosixObjectInfo;

/**
 * {@code ipc:ipcs} and {@code ipc:ipcrm}: the partitions' System V objects, as {@code ipcs -a} shows them, and their
 * POSIX objects, as {@code ls -l /dev/shm /dev/mqueue} would with the handles that hold them.
 */
@Component(service = IpcCommands.class, property = { "osgi.command.scope=ipc", "osgi.command.function=ipcs",
        "osgi.command.function=ipcrm" })
public final class IpcCommands {
    private final IpcAdmin ipc;
    private final PosixIpcAdmin posix;

    @Activate
    public IpcCommands(@Reference IpcAdmin ipc, @Reference PosixIpcAdmin posix) {
        this.ipc = ipc;
        this.posix = posix;
    }

    @Descriptor("list IPC objects: System V (T, ID, KEY, MODE, OWNER, GROUP, size, count), then POSIX (KIND, NAME, MODE, "
            + "OWNER, GROUP, value/bytes/size, waiters/messages/mappings, OPEN, HANDLES)")
    public String ipcs(
            @Descriptor("only this partition's objects") @Parameter(names = { "-p", "--partition" }, absentValue = "") String partition,
            @Descriptor("show the real ids of the node kernel beside the virtual ones") @Parameter(names = { "-r", "--real" },
                    presentValue = "true", absentValue = "false") boolean real,
            @Descriptor("print JSON instead of a table") @Parameter(names = "--json", presentValue = "true",
                    absentValue = "false") boolean json) {
        Optional<String> only = partition.isEmpty() ? Optional.empty() : Optional.of(partition);
        List<IpcObjectInfo> objects = ipc.list(only);
        List<PosixObjectInfo> posixObjects = posix.list(only);
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
            for (PosixObjectInfo object : posixObjects) {
                out.add(json(object));
            }
            return Json.write(out);
        }
        if (objects.isEmpty() && posixObjects.isEmpty()) {
            return partition.isEmpty() ? "no IPC objects" : "partition " + partition + " has no IPC objects";
        }
        String sysv = objects.isEmpty() ? "" : sysvTable(objects, real);
        String posixTable = posixObjects.isEmpty() ? "" : posixTable(posixObjects, real);
        return sysv.isEmpty() || posixTable.isEmpty() ? sysv + posixTable : sysv + "\n" + posixTable;
    }

    private static Map<String, Object> json(PosixObjectInfo object) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("partition", object.partition());
        entry.put("kind", object.kind());
        entry.put("name", object.name());
        entry.put("realId", object.realId());
        entry.put("mode", String.format("%04o", object.perm().mode() & 07777));
        entry.put("uid", object.perm().uid());
        entry.put("gid", object.perm().gid());
        entry.put("cuid", object.perm().cuid());
        entry.put("cgid", object.perm().cgid());
        switch (object.kind()) {
            case "posix-sem" -> {
                entry.put("value", object.size());
                entry.put("waiters", object.count());
            }
            case "posix-mq" -> {
                entry.put("bytes", object.size());
                entry.put("messages", object.count());
                entry.put("maxmsg", object.capacity());
                entry.put("msgsize", object.msgsize());
            }
            default -> {
                entry.put("size", object.size());
                entry.put("mappings", object.count());
            }
        }
        entry.put("ctime", object.ctime());
        entry.put("mtime", object.mtime());
        entry.put("lastPid", object.lpid());
        entry.put("opens", object.opens());
        entry.put("unlinked", object.unlinked());
        entry.put("handles", object.handles());
        return entry;
    }

    private static String posixTable(List<PosixObjectInfo> objects, boolean real) {
        Table table = real ? new Table("PARTITION", "KIND", "NAME", "REAL-ID", "MODE", "OWNER", "GROUP",
                "VALUE/BYTES/SIZE", "WAITERS/MSGS/MAPS", "MAXMSG/MSGSIZE", "OPEN", "HANDLES")
                : new Table("PARTITION", "KIND", "NAME", "MODE", "OWNER", "GROUP", "VALUE/BYTES/SIZE", "WAITERS/MSGS/MAPS",
                        "MAXMSG/MSGSIZE", "OPEN", "HANDLES");
        for (PosixObjectInfo object : objects) {
            String mode = String.format("%04o", object.perm().mode() & 0777) + (object.unlinked() ? " (unlinked)" : "");
            String capacity = object.kind().equals("posix-mq") ? object.capacity() + "/" + object.msgsize() : "-";
            String handles = object.handles().isEmpty() ? "-" : String.join(",", object.handles());
            if (real) {
                table.row(object.partition(), object.kind(), object.name(), object.realId(), mode, object.perm().uid(),
                        object.perm().gid(), object.size(), object.count(), capacity, object.opens(), handles);
            } else {
                table.row(object.partition(), object.kind(), object.name(), mode, object.perm().uid(), object.perm().gid(),
                        object.size(), object.count(), capacity, object.opens(), handles);
            }
        }
        return table.toString();
    }

    private static String sysvTable(List<IpcObjectInfo> objects, boolean real) {
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

    @Descriptor("remove a System V IPC object of a partition, as its owner's IPC_RMID would, or unlink a POSIX one's name "
            + "(it lives on while open)")
    public String ipcrm(@Descriptor("the partition") @Parameter(names = { "-p", "--partition" }, absentValue = "") String partition,
            @Descriptor("msg, sem, shm, posix-sem, posix-mq or posix-shm") String kind,
            @Descriptor("the System V object's virtual id, or the POSIX object's name") String id) {
        if (partition.isEmpty()) {
            throw new IllegalArgumentException("ipcrm needs the partition: -p PARTITION");
        }
        if (kind.startsWith("posix-")) {
            posix.unlink(partition, kind, id);
            return kind + " " + id + " of " + partition + " unlinked";
        }
        ipc.remove(partition, kind, Arguments.integer(id, "ID", 0, Integer.MAX_VALUE));
        return kind + " " + id + " of " + partition + " removed";
    }
}
