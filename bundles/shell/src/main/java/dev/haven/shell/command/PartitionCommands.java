package dev.haven.shell.command;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.haven.api.firmware.FirmwareDriver;
import dev.haven.api.firmware.NodeInfo;
import dev.haven.api.firmware.NodeState;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.partition.PartitionInfo;
import dev.haven.api.partition.PartitionManager;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.ProcessInfo;

/** {@code partition:*}: define, run and inspect partitions and their processes. */
@Component(service = PartitionCommands.class, property = { "osgi.command.scope=partition",
        "osgi.command.function=create", "osgi.command.function=list", "osgi.command.function=start",
        "osgi.command.function=stop", "osgi.command.function=destroy", "osgi.command.function=spawn",
        "osgi.command.function=ps", "osgi.command.function=kill", "osgi.command.function=wait",
        "osgi.command.function=workloads" })
public final class PartitionCommands {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private final PartitionManager partitions;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile FirmwareDriver driver;

    @Activate
    public PartitionCommands(@Reference PartitionManager partitions) {
        this.partitions = partitions;
    }

    @Descriptor("define a partition on a node (the first node that is up, unless -n is given)")
    public String create(
            @Descriptor("the node to put it on") @Parameter(names = { "-n", "--node" }, absentValue = "") String node,
            @Descriptor("refuse checkpoints of this partition") @Parameter(names = "--no-checkpoint", presentValue = "true",
                    absentValue = "false") boolean noCheckpoint,
            @Descriptor("a kernel limit NAME=VALUE, e.g. processes.max=64; repeat as a comma-separated list")
            @Parameter(names = { "-l", "--limits" }, absentValue = "") String limits,
            @Descriptor("the partition's name: a lowercase letter, then up to 30 lowercase letters, digits or '-'") String name) {
        String target = node.isEmpty() ? firstNodeUp() : node;
        PartitionSpec spec = PartitionSpec.DEFAULT.withCheckpointable(!noCheckpoint);
        for (String limit : limits.isEmpty() ? new String[0] : limits.split(",")) {
            String[] pair = limit.split("=", 2);
            if (pair.length != 2 || pair[0].isBlank()) {
                throw new IllegalArgumentException("a limit is NAME=VALUE, not '" + limit + "'");
            }
            try {
                spec = spec.withLimit(pair[0].trim(), Long.parseLong(pair[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("limit " + pair[0].trim() + " must be a number, not '" + pair[1] + "'");
            }
        }
        PartitionInfo info = partitions.create(name, target, spec);
        return "partition " + info.name() + " defined on " + info.node();
    }

    @Descriptor("list partitions with their node, state and processes")
    public String list(@Descriptor("print JSON instead of a table") @Parameter(names = "--json", presentValue = "true",
            absentValue = "false") boolean json) {
        List<PartitionInfo> infos = partitions.list();
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (PartitionInfo info : infos) {
                out.add(partitionJson(info));
            }
            return Json.write(out);
        }
        if (infos.isEmpty()) {
            return "no partitions";
        }
        Table table = new Table("NAME", "NODE", "STATE", "PROCS", "SINCE", "REASON");
        for (PartitionInfo info : infos) {
            table.row(info.name(), info.node(), info.state(), info.processes(), TIME.format(info.since()),
                    info.reason().orElse("-"));
        }
        return table.toString();
    }

    @Descriptor("start a defined, stopped or broken partition on its node")
    public String start(@Descriptor("the partition") String name) {
        PartitionInfo info = partitions.start(name);
        return "partition " + info.name() + " is " + info.state() + " on " + info.node();
    }

    @Descriptor("stop a partition: its processes are killed, its definition is kept")
    public String stop(@Descriptor("the partition") String name) {
        PartitionInfo info = partitions.stop(name);
        return "partition " + info.name() + " is " + info.state();
    }

    @Descriptor("remove a partition that is not running, with its definition")
    public String destroy(@Descriptor("the partition") String name) {
        partitions.destroy(name);
        return "partition " + name + " destroyed";
    }

    @Descriptor("start a process of a workload in an active partition; prints its virtual pid")
    public String spawn(
            @Descriptor("user id to run as") @Parameter(names = { "-u", "--uid" }, absentValue = "0") String uid,
            @Descriptor("group id to run as") @Parameter(names = { "-g", "--gid" }, absentValue = "0") String gid,
            @Descriptor("the partition") String name,
            @Descriptor("the workload, see partition:workloads") String workload,
            @Descriptor("arguments for the workload") String... args) {
        Credentials credentials = new Credentials(Arguments.integer(uid, "uid", 0, Integer.MAX_VALUE),
                Arguments.integer(gid, "gid", 0, Integer.MAX_VALUE));
        int vpid = partitions.spawn(name, workload, Arrays.asList(args), credentials);
        return Integer.toString(vpid);
    }

    @Descriptor("list the processes of a partition, live and ended, with their saved state")
    public String ps(@Descriptor("print JSON instead of a table") @Parameter(names = "--json", presentValue = "true",
            absentValue = "false") boolean json, @Descriptor("the partition") String name) {
        List<ProcessInfo> processes = partitions.processes(name);
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (ProcessInfo process : processes) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("vpid", process.vpid());
                entry.put("workload", process.workload());
                entry.put("args", process.args());
                entry.put("uid", process.credentials().uid());
                entry.put("gid", process.credentials().gid());
                entry.put("status", process.status().name());
                entry.put("exitStatus", Json.of(process.exitStatus()));
                entry.put("error", Json.of(process.error()));
                entry.put("started", process.started().toString());
                entry.put("state", process.state());
                out.add(entry);
            }
            return Json.write(out);
        }
        if (processes.isEmpty()) {
            return "partition " + name + " has no processes";
        }
        Table table = new Table("VPID", "UID", "GID", "STATUS", "STARTED", "COMMAND", "STATE", "ERROR");
        for (ProcessInfo process : processes) {
            String command = (process.workload() + " " + String.join(" ", process.args())).trim();
            String status = process.status().name() + process.exitStatus().map(code -> "(" + code + ")").orElse("");
            String state = stateSummary(process.state());
            table.row(process.vpid(), process.credentials().uid(), process.credentials().gid(), status,
                    TIME.format(process.started()), command, state.isEmpty() ? "-" : state, process.error().orElse("-"));
        }
        return table.toString();
    }

    @Descriptor("kill a live process of a partition, as kill -KILL")
    public String kill(@Descriptor("the partition") String name, @Descriptor("the process's virtual pid") String vpid) {
        ProcessInfo info = partitions.kill(name, Arguments.integer(vpid, "VPID", 1, Integer.MAX_VALUE));
        return "process " + info.vpid() + " of " + name + " is " + info.status();
    }

    @Descriptor("wait until processes of a partition have ended; prints how each ended")
    public String wait(
            @Descriptor("give up after this many seconds") @Parameter(names = { "-t", "--timeout" }, absentValue = "60") String timeout,
            @Descriptor("the partition") String name, @Descriptor("the processes' virtual pids") String... vpids) {
        if (vpids.length == 0) {
            throw new IllegalArgumentException("partition:wait needs at least one VPID");
        }
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(Arguments.integer(timeout, "TIMEOUT", 0, 86400)).toNanos();
        Table table = new Table("VPID", "STATUS", "STATE");
        for (String vpid : vpids) {
            ProcessInfo info = partitions.waitFor(name, Arguments.integer(vpid, "VPID", 1, Integer.MAX_VALUE),
                    java.time.Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            table.row(info.vpid(), info.status().name() + info.exitStatus().map(code -> "(" + code + ")").orElse(""),
                    stateSummary(info.state()));
        }
        return table.toString();
    }

    @Descriptor("list the workloads that can be spawned")
    public String workloads() {
        List<String> names = partitions.workloads();
        return names.isEmpty() ? "no workloads are installed" : String.join("\n", names);
    }

    /** The first few saved-state entries in key order; the JSON output has them all. */
    static String stateSummary(Map<String, String> state) {
        int shown = 3;
        String summary = new java.util.TreeMap<>(state).entrySet().stream().limit(shown)
                .map(entry -> entry.getKey() + "=" + entry.getValue()).collect(Collectors.joining(" "));
        return state.size() > shown ? summary + " (+" + (state.size() - shown) + " more)" : summary;
    }

    private String firstNodeUp() {
        FirmwareDriver firmware = driver;
        if (firmware == null) {
            throw new IllegalStateException("no firmware driver is installed");
        }
        return firmware.nodes().stream().filter(node -> node.state() == NodeState.UP).map(NodeInfo::name).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node is up; give one with -n"));
    }

    static Map<String, Object> partitionJson(PartitionInfo info) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", info.name());
        entry.put("node", info.node());
        entry.put("state", info.state().name());
        entry.put("processes", info.processes());
        entry.put("checkpointable", info.spec().checkpointable());
        entry.put("limits", info.spec().limits());
        entry.put("reason", Json.of(info.reason()));
        entry.put("since", info.since().toString());
        return entry;
    }
}
