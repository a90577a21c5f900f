package dev.haven.shell.command;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.haven.api.accounting.AccountingFile;
import dev.haven.api.accounting.AccountingRecord;
import dev.haven.api.accounting.AccountingService;
import dev.haven.api.accounting.EngineStatus;
import dev.haven.api.accounting.IntervalRecord;
import dev.haven.api.accounting.ProcessRecord;
import dev.haven.api.accounting.Resource;
import dev.haven.api.accounting.Usage;

/** {@code acct:*}: the accounting engines (AIX {@code acctctl}), their interval, reports and files. */
@Component(service = AcctCommands.class, property = { "osgi.command.scope=acct", "osgi.command.function=on",
        "osgi.command.function=off", "osgi.command.function=status", "osgi.command.function=interval",
        "osgi.command.function=report", "osgi.command.function=files" })
public final class AcctCommands {
    private static final String ALL = "all";
    /** The resources a process or interval table shows; --json and --csv show every one. */
    private static final Resource[] COLUMNS = { Resource.CPU, Resource.WALL, Resource.KERNEL_CALLS, Resource.IPC_MSGS_IN,
            Resource.IPC_BYTES_IN, Resource.IPC_MSGS_OUT, Resource.IPC_BYTES_OUT, Resource.SHM_RESIDENT, Resource.CHECKPOINTS };

    /** The fields {@link #describe} gives each kind of record, in order. */
    private static final List<String> PROCESS_FIELDS = List.of("partition", "pid", "workload", "node", "status", "flag", "started", "ended");
    private static final List<String> INTERVAL_FIELDS = List.of("scope", "from", "to");

    private final AccountingService accounting;

    @Activate
    public AcctCommands(@Reference AccountingService accounting) {
        this.accounting = accounting;
    }

    @Descriptor("enable the global engine, or a partition's engine, for the selected resources")
    public String on(
            @Descriptor("resources: all, or names and groups (cpu, wall, syscalls, ipc, shm, pty, streams, checkpoint, mobility), comma-separated")
            @Parameter(names = { "-r", "--resources" }, absentValue = ALL) String resources,
            @Descriptor("the partition (the global engine when absent)") String... partition) {
        String engine = engine(partition);
        EngineStatus status = accounting.enable(engine, Resource.parse(resources));
        return "accounting on for " + label(engine) + ": " + keys(status.resources());
    }

    @Descriptor("disable the global engine, or a partition's engine; what it accumulated stays")
    public String off(@Descriptor("the partition (the global engine when absent)") String... partition) {
        String engine = engine(partition);
        accounting.disable(engine);
        return "accounting off for " + label(engine);
    }

    @Descriptor("the engines: on or off, resources, buffered, written and dropped records")
    public String status(@Descriptor("print JSON instead of a table") @Parameter(names = "--json", presentValue = "true",
            absentValue = "false") boolean json) {
        List<EngineStatus> engines = accounting.engines();
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (EngineStatus status : engines) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("engine", status.engine());
                entry.put("enabled", status.enabled());
                entry.put("resources", keys(status.resources()));
                entry.put("buffered", status.buffered());
                entry.put("written", status.written());
                entry.put("dropped", status.dropped());
                out.add(entry);
            }
            return Json.write(out);
        }
        Table table = new Table("ENGINE", "STATE", "BUFFERED", "WRITTEN", "DROPPED", "RESOURCES");
        for (EngineStatus status : engines) {
            table.row(label(status.engine()), status.enabled() ? "on" : "off", status.buffered(), status.written(),
                    status.dropped(), keys(status.resources()));
        }
        return table + "\ninterval " + accounting.interval().toSeconds() + " s";
    }

    @Descriptor("show or set the interval of interval and summary records")
    public String interval(@Descriptor("seconds, 1 to 86400") String... seconds) {
        if (seconds.length > 1) {
            throw new IllegalArgumentException("acct:interval takes one number of seconds, not " + List.of(seconds));
        }
        if (seconds.length == 1) {
            accounting.interval(Duration.ofSeconds(Arguments.integer(seconds[0], "SECONDS", 1, 86_400)));
        }
        return "accounting interval " + accounting.interval().toSeconds() + " s";
    }

    @Descriptor("accounting totals (global: per partition, the node's own use and the sum), or records by process or by interval")
    public String report(
            @Descriptor("only records at or after this time: an ISO instant, or a duration ago such as 10m")
            @Parameter(names = "--since", absentValue = "") String since,
            @Descriptor("records instead of totals: process or interval") @Parameter(names = "--by", absentValue = "") String by,
            @Descriptor("print JSON") @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("print CSV") @Parameter(names = "--csv", presentValue = "true", absentValue = "false") boolean csv,
            @Descriptor("the partition (the global engine when absent)") String... partition) {
        if (json && csv) {
            throw new IllegalArgumentException("choose --json or --csv, not both");
        }
        if (!since.isEmpty() && by.isEmpty()) {
            throw new IllegalArgumentException("--since applies to records: add --by process or --by interval");
        }
        String engine = engine(partition);
        return switch (by) {
            case "" -> totals(engine, json, csv);
            case "process", "interval" -> records(engine, by, since.isEmpty() ? Instant.EPOCH : since(since), json, csv);
            default -> throw new IllegalArgumentException("--by must be process or interval, not '" + by + "'");
        };
    }

    @Descriptor("the pre-allocated accounting files; --release makes a FULL file FREE once its records are processed")
    public String files(
            @Descriptor("a FULL file to release") @Parameter(names = "--release", absentValue = "") String release,
            @Descriptor("print JSON instead of a table") @Parameter(names = "--json", presentValue = "true",
                    absentValue = "false") boolean json) {
        if (!release.isEmpty()) {
            AccountingFile file = accounting.release(release);
            return file.path().getFileName() + " released: " + file.state();
        }
        List<AccountingFile> files = accounting.files();
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (AccountingFile file : files) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("file", file.path().toString());
                entry.put("state", file.state().name());
                entry.put("sequence", file.sequence());
                entry.put("size", file.size());
                entry.put("used", file.used());
                entry.put("records", file.records());
                out.add(entry);
            }
            return Json.write(out);
        }
        Table table = new Table("FILE", "STATE", "SEQ", "SIZE", "USED", "RECORDS");
        for (AccountingFile file : files) {
            table.row(file.path(), file.state(), file.sequence(), Bytes.format(file.size()), Bytes.format(file.used()), file.records());
        }
        boolean alert = files.stream().noneMatch(file -> file.state() != AccountingFile.State.FULL);
        return table + (alert ? "\nALERT: no free accounting file; records wait in the buffers, release a file with acct:files --release FILE" : "");
    }

    private String totals(String engine, boolean json, boolean csv) {
        accounting.flush();
        Map<String, Usage> scopes = accounting.totals(engine);
        Map<String, Usage> columns = new LinkedHashMap<>(scopes);
        if (engine.equals(AccountingRecord.GLOBAL)) {
            columns.put("total", scopes.values().stream().reduce(Usage.NONE, Usage::plus));
        }
        Set<String> calls = new TreeSet<>();
        columns.values().forEach(usage -> calls.addAll(usage.calls().keySet()));
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("engine", engine);
            Map<String, Object> byScope = new LinkedHashMap<>();
            columns.forEach((scope, usage) -> byScope.put(scope, usageMap(usage)));
            out.put("totals", byScope);
            return Json.write(out);
        }
        List<String> header = new ArrayList<>(List.of("RESOURCE", "UNIT"));
        columns.keySet().forEach(scope -> header.add(scope.toUpperCase(Locale.ROOT)));
        List<List<Object>> rows = new ArrayList<>();
        for (Resource resource : Resource.values()) {
            List<Object> row = new ArrayList<>(List.of(resource.key(), resource.unit()));
            columns.values().forEach(usage -> row.add(usage.get(resource)));
            rows.add(row);
        }
        for (String call : calls) {
            List<Object> row = new ArrayList<>(List.of("syscalls." + call, "calls"));
            columns.values().forEach(usage -> row.add(usage.calls().getOrDefault(call, 0L)));
            rows.add(row);
        }
        if (csv) {
            return csv(header, rows);
        }
        Table table = new Table(header.toArray(String[]::new));
        rows.forEach(row -> table.row(row.toArray()));
        return "accounting totals of " + label(engine) + "\n" + table;
    }

    private String records(String engine, String by, Instant since, boolean json, boolean csv) {
        accounting.flush();
        List<AccountingRecord> records = accounting.records(Optional.of(engine), since).stream()
                .filter(record -> by.equals("process") ? record instanceof ProcessRecord : record instanceof IntervalRecord).toList();
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (AccountingRecord record : records) {
                Map<String, Object> entry = new LinkedHashMap<>(describe(record));
                entry.put("usage", usageMap(usage(record)));
                out.add(entry);
            }
            return Json.write(out);
        }
        List<String> header = new ArrayList<>(by.equals("process") ? PROCESS_FIELDS : INTERVAL_FIELDS);
        Resource[] resources = csv ? Resource.values() : COLUMNS;
        for (Resource resource : resources) {
            header.add(csv ? resource.key() : resource.key().toUpperCase(Locale.ROOT));
        }
        List<List<Object>> rows = new ArrayList<>();
        for (AccountingRecord record : records) {
            List<Object> row = new ArrayList<>(describe(record).values());
            for (Resource resource : resources) {
                row.add(usage(record).get(resource));
            }
            rows.add(row);
        }
        if (csv) {
            return csv(header, rows);
        }
        if (rows.isEmpty()) {
            return "no " + by + " records of " + label(engine) + (since.equals(Instant.EPOCH) ? "" : " since " + since);
        }
        Table table = new Table(header.stream().map(name -> name.toUpperCase(Locale.ROOT)).toArray(String[]::new));
        rows.forEach(row -> table.row(row.toArray()));
        return table.toString();
    }

    private static Map<String, Object> describe(AccountingRecord record) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (record instanceof ProcessRecord process) {
            fields.put("partition", process.partition());
            fields.put("pid", process.pid());
            fields.put("workload", process.workload());
            fields.put("node", process.node());
            fields.put("status", process.status().name());
            fields.put("flag", process.checkpointed() ? "C" : process.nodeFailure() ? "F" : "-");
            fields.put("started", process.started().toString());
            fields.put("ended", process.ended().toString());
        } else if (record instanceof IntervalRecord interval) {
            fields.put("scope", interval.scope());
            fields.put("from", interval.from().toString());
            fields.put("to", interval.to().toString());
        }
        return fields;
    }

    private static Usage usage(AccountingRecord record) {
        return record instanceof ProcessRecord process ? process.usage() : ((IntervalRecord) record).usage();
    }

    private static Map<String, Object> usageMap(Usage usage) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Resource resource : Resource.values()) {
            map.put(resource.key(), usage.get(resource));
        }
        map.put("calls", usage.calls());
        return map;
    }

    private static String csv(List<String> header, List<List<Object>> rows) {
        StringBuilder out = new StringBuilder(String.join(",", header)).append('\n');
        for (List<Object> row : rows) {
            out.append(String.join(",", row.stream().map(cell -> {
                String text = String.valueOf(cell);
                return text.contains(",") || text.contains("\"") ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
            }).toList())).append('\n');
        }
        return out.toString().stripTrailing();
    }

    private static Instant since(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            return Instant.now().minus(HaCommands.duration(text, "--since (an ISO instant or a duration ago)"));
        }
    }

    private static String engine(String[] partition) {
        if (partition.length > 1) {
            throw new IllegalArgumentException("one partition at most, not " + List.of(partition));
        }
        return partition.length == 0 ? AccountingRecord.GLOBAL : partition[0];
    }

    private static String label(String engine) {
        return engine.equals(AccountingRecord.GLOBAL) ? "the global engine" : "partition " + engine;
    }

    private static String keys(Set<Resource> resources) {
        return resources.size() == Resource.values().length ? ALL
                : String.join(",", resources.stream().sorted().map(Resource::key).toList());
    }
}
