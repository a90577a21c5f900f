package dev.haven.accounting;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

import dev.haven.api.accounting.AccountingFile;
import dev.haven.api.accounting.AccountingRecord;
import dev.haven.api.accounting.AccountingService;
import dev.haven.api.accounting.EngineStatus;
import dev.haven.api.accounting.ProcessMeter;
import dev.haven.api.accounting.ProcessRecord;
import dev.haven.api.accounting.Resource;
import dev.haven.api.accounting.ResourceGauge;
import dev.haven.api.accounting.SummaryRecord;
import dev.haven.api.accounting.Usage;
import dev.haven.api.accounting.UsageSink;
import dev.haven.api.checkpoint.CheckpointContext;
import dev.haven.api.checkpoint.CheckpointParticipant;
import dev.haven.api.checkpoint.RestoreContext;
import dev.haven.api.checkpoint.SectionInput;
import dev.haven.api.checkpoint.SectionOutput;
import dev.haven.api.partition.ProcessStatus;

/**
 * The accounting engines of US20080294537: the global engine (this runtime's node and every partition) and one
 * engine per partition, each enabled separately and recording only its selected resources into its own bounded
 * buffer; a writer moves buffered records into the accounting files. It is the kernel's {@link UsageSink} and
 * the {@code accounting} checkpoint participant, so a partition's accumulated accounting travels in its image.
 *
 * <p>Use flows from the meters into each partition's {@link Account}; at every tick (each interval, and whenever
 * an engine is switched, a partition is checkpointed or a report asks) the difference since the last tick goes,
 * filtered by selection, to the partition's engine and to the global engine. One sample feeds both, so the
 * partition engines' totals add up to the global engine's per-partition totals exactly. The node's own use is the
 * runtime's CPU time not spent by partition processes. Lock order: this, then an account.
 */
@Component(service = { AccountingService.class, UsageSink.class, CheckpointParticipant.class }, immediate = true,
        configurationPid = "dev.haven.accounting")
@Designate(ocd = AccountingConfig.class)
public final class AccountingEngine implements AccountingService, UsageSink, CheckpointParticipant {
    private static final System.Logger LOG = System.getLogger(AccountingEngine.class.getName());
    private static final Pattern PARTITION = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    private static final Duration MAX_INTERVAL = Duration.ofDays(1);
    private static final int MAX_NAME = 256;

    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final Map<String, Engine> engines = new ConcurrentSkipListMap<>();
    private final Engine global;
    private final AcctFiles files;
    private final Path settings;
    private final int capacity;
    private final List<ResourceGauge> gauges = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService worker;
    private final Object writing = new Object();
    /** What a restore replaced, until the restart succeeds or is discarded. */
    private final Map<String, Optional<Saved>> replaced = new ConcurrentHashMap<>();
    /** Identifies this runtime's accounting (kept in the settings), so a restore knows an image it wrote itself. */
    private final String instance;
    private ScheduledFuture<?> ticker;
    private Duration interval;
    /** The node's own use: the runtime's CPU at the last global tick, and the partitions' CPU counted since. */
    private long processCpu;
    private long partitionCpu;
    private Instant nodeAt = Instant.now();

    private record Saved(boolean enabled, Set<Resource> resources, Usage totals) {
    }

    @Activate
    public AccountingEngine(BundleContext context, AccountingConfig config) {
        this(home(context).resolve("acct"), config.files(), config.file_size(), config.buffer_records(),
                Duration.ofSeconds(config.interval_s()), config.write_ms());
    }

    AccountingEngine(Path directory, int fileCount, long fileSize, int bufferRecords, Duration defaultInterval, long writeMs) {
        if (bufferRecords < 1) {
            throw new IllegalArgumentException("an engine's buffer needs room for at least 1 record, not " + bufferRecords);
        }
        this.capacity = bufferRecords;
        this.global = new Engine(AccountingRecord.GLOBAL, bufferRecords);
        this.files = new AcctFiles(directory, fileCount, fileSize);
        this.settings = directory.resolve("settings.properties");
        Properties saved = loadSettings();
        this.instance = saved.getProperty("instance", UUID.randomUUID().toString());
        this.interval = savedInterval(saved.getProperty("interval"), defaultInterval);
        for (String key : saved.stringPropertyNames()) {
            if (key.startsWith("engine.")) {
                String[] value = saved.getProperty(key).split(";", 2);
                try {
                    Engine engine = engine(key.substring("engine.".length()), true);
                    engine.set(value[0].equals("on"), value.length > 1 ? Resource.parse(value[1]) : EnumSet.allOf(Resource.class));
                } catch (IllegalArgumentException e) {
                    LOG.log(Level.WARNING, "skipped the saved accounting setting " + key + ": " + e.getMessage());
                }
            }
        }
        continueTotals();
        this.processCpu = global.enabled() ? processCpu() : 0;
        this.worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "haven-acct");
            thread.setDaemon(true);
            return thread;
        });
        worker.scheduleWithFixedDelay(this::drainQuietly, writeMs, writeMs, TimeUnit.MILLISECONDS);
        synchronized (this) {
            schedule();
            saveSettings();
        }
    }

    private static Duration savedInterval(String seconds, Duration defaultInterval) {
        if (defaultInterval.compareTo(MIN_INTERVAL) < 0 || defaultInterval.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException("interval_s must be 1 to 86400 seconds, not " + defaultInterval.toSeconds());
        }
        try {
            Duration saved = seconds == null ? defaultInterval : Duration.ofSeconds(Long.parseLong(seconds));
            if (saved.compareTo(MIN_INTERVAL) >= 0 && saved.compareTo(MAX_INTERVAL) <= 0) {
                return saved;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.log(Level.WARNING, "the saved accounting interval '" + seconds + "' is not 1 s to 1 day; using " + defaultInterval);
        return defaultInterval;
    }

    private static Path home(BundleContext context) {
        String configured = context.getProperty("haven.home");
        return Path.of(configured == null || configured.isBlank() ? "var" : configured).toAbsolutePath();
    }

    @Deactivate
    void deactivate() {
        worker.shutdownNow();
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not write the last accounting records", e);
        }
        files.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addGauge(ResourceGauge gauge) {
        gauges.add(gauge);
    }

    void removeGauge(ResourceGauge gauge) {
        gauges.remove(gauge);
    }

    // ---- UsageSink

    @Override
    public ProcessMeter processStarted(String partition, String node, int pid, String workload, Instant started) {
        Account account = account(partition);
        ProcessMeterImpl meter = new ProcessMeterImpl(this, account, node, pid, workload, started);
        account.started(meter);
        return meter;
    }

    @Override
    public void checkpointed(String partition, Duration freeze, long imageBytes) {
        Account account = account(partition);
        account.event(Resource.CHECKPOINTS, 1);
        account.event(Resource.FREEZE_TIME, freeze.toNanos());
        account.event(Resource.IMAGE_BYTES, imageBytes);
    }

    @Override
    public void restarted(String partition) {
        replaced.remove(partition);
        account(partition).event(Resource.RESTARTS, 1);
    }

    @Override
    public void failedOver(String partition) {
        account(partition).event(Resource.FAILOVERS, 1);
    }

    /** A process ended: its record goes to its partition's engine and the global one, as each is enabled. */
    void ended(ProcessMeterImpl meter, ProcessStatus status, Tally use) {
        meter.account.ended(meter, use);
        Usage usage = use.usage();
        Instant now = Instant.now();
        String partition = meter.account.partition;
        Engine own = engines.get(partition);
        for (Engine engine : own == null ? List.of(global) : List.of(own, global)) {
            if (engine.enabled()) {
                engine.offer(new ProcessRecord(engine.name, partition, meter.node, meter.pid, meter.workload, meter.started,
                        now, status, usage.only(engine.resources())));
            }
        }
    }

    private Account account(String partition) {
        Account account = accounts.get(partition);
        if (account == null) {
            synchronized (this) {
                account = accounts.computeIfAbsent(partition, name -> {
                    Account created = new Account(name, Instant.now());
                    created.metering = metered(name);
                    return created;
                });
            }
        }
        return account;
    }

    private boolean metered(String partition) {
        Engine own = engines.get(partition);
        return global.enabled() || own != null && own.enabled();
    }

    // ---- AccountingService

    @Override
    public synchronized EngineStatus enable(String name, Set<Resource> resources) {
        if (resources == null || resources.isEmpty()) {
            throw new IllegalArgumentException("select at least one resource to record");
        }
        Engine engine = engine(name, true);
        tickAll(true);
        if (engine == global && !global.enabled()) {
            processCpu = processCpu();
            partitionCpu = 0;
            nodeAt = Instant.now();
        }
        engine.set(true, resources);
        remeter();
        saveSettings();
        return engine.status();
    }

    @Override
    public synchronized EngineStatus disable(String name) {
        Engine engine = engine(name, false);
        tickAll(true);
        engine.set(false, engine.resources());
        remeter();
        saveSettings();
        return engine.status();
    }

    @Override
    public List<EngineStatus> engines() {
        List<EngineStatus> all = new ArrayList<>();
        all.add(global.status());
        engines.values().forEach(engine -> all.add(engine.status()));
        return all;
    }

    @Override
    public synchronized void interval(Duration value) {
        if (value == null || value.compareTo(MIN_INTERVAL) < 0 || value.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException("the accounting interval must be between 1 s and 1 day, not " + value);
        }
        interval = value;
        schedule();
        saveSettings();
    }

    @Override
    public synchronized Duration interval() {
        return interval;
    }

    @Override
    public void flush() {
        synchronized (this) {
            tickAll(false);
        }
        drain();
        try {
            files.force();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync the accounting files: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Map<String, Usage> totals(String name) {
        Engine engine = engine(name, false);
        tickAll(false);
        if (engine == global) {
            // partitions by name, then the node's own use
            Map<String, Usage> byScope = new LinkedHashMap<>();
            Map<String, Usage> all = new TreeMap<>(global.totals());
            Usage node = all.remove(AccountingRecord.NODE);
            byScope.putAll(all);
            byScope.put(AccountingRecord.NODE, node == null ? Usage.NONE : node);
            return byScope;
        }
        return Map.of(name, engine.totals(name));
    }

    @Override
    public List<AccountingRecord> records(Optional<String> engine, Instant since) {
        try {
            return files.read().stream().filter(record -> engine.map(record.engine()::equals).orElse(true))
                    .filter(record -> !record.at().isBefore(since)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the accounting files: " + e.getMessage(), e);
        }
    }

    @Override
    public List<AccountingFile> files() {
        return files.list();
    }

    @Override
    public AccountingFile release(String file) {
        try {
            AccountingFile released = files.release(file);
            drain();
            return released;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release accounting file " + file + ": " + e.getMessage(), e);
        }
    }

    // ---- CheckpointParticipant: section "accounting", version 1 (docs/ACCOUNTING-FORMAT.md)

    @Override
    public String section() {
        return "accounting";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public void checkpoint(CheckpointContext context, SectionOutput out) throws IOException {
        String partition = context.partition();
        boolean enabled;
        Set<Resource> resources;
        Usage totals;
        synchronized (this) {
            Account account = accounts.get(partition);
            if (account != null) {
                tick(account, Instant.now());
            }
            Engine own = engines.get(partition);
            enabled = own != null && own.enabled();
            resources = own == null ? EnumSet.allOf(Resource.class) : own.resources();
            totals = own == null ? Usage.NONE : own.totals(partition);
        }
        out.writeUTF(instance);
        out.writeBoolean(enabled);
        out.writeShort(resources.size());
        for (Resource resource : resources) {
            out.writeUTF(resource.key());
        }
        RecordCodec.usage(out, totals);
    }

    @Override
    public void restore(RestoreContext context, int version, SectionInput in) throws IOException {
        String writer = in.readUTF();
        boolean enabled = in.readBoolean();
        int count = in.readUnsignedShort();
        Set<Resource> resources = EnumSet.noneOf(Resource.class);
        for (int i = 0; i < count; i++) {
            // a resource this version does not know is one it cannot record
            Optional.ofNullable(Resource.byKey(in.readUTF())).ifPresent(resources::add);
        }
        Usage totals = RecordCodec.usage(in);
        String partition = context.partition();
        synchronized (this) {
            Engine own = engines.get(partition);
            replaced.put(partition, Optional.ofNullable(own).map(engine -> new Saved(engine.enabled(), engine.resources(),
                    engine.totals(partition))));
            if (writer.equals(instance) && own != null) {
                // This runtime wrote the image: its totals already hold everything up to the image and since.
                return;
            }
            Account account = accounts.get(partition);
            if (account != null) {
                tick(account, Instant.now());
            }
            if (own == null) {
                if (!enabled && totals.isEmpty()) {
                    return;
                }
                own = engine(partition, true);
            }
            own.set(enabled, resources.isEmpty() ? EnumSet.allOf(Resource.class) : resources);
            own.totals(partition, totals);
            remeter();
            saveSettings();
        }
    }

    @Override
    public synchronized void discard(RestoreContext context) {
        String partition = context.partition();
        Optional<Saved> before = replaced.remove(partition);
        if (before == null) {
            return;
        }
        if (before.isEmpty()) {
            engines.remove(partition);
        } else {
            Engine own = engine(partition, true);
            own.set(before.get().enabled(), before.get().resources());
            own.totals(partition, before.get().totals());
        }
        remeter();
        saveSettings();
    }

    // ---- internals

    /** The engine of that name; created for a partition when {@code create}. */
    private Engine engine(String name, boolean create) {
        if (name == null || name.isEmpty() || name.equals(AccountingRecord.GLOBAL)) {
            return global;
        }
        if (!PARTITION.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid partition name '" + name
                    + "': 1 to 31 characters, a lowercase letter first, then lowercase letters, digits or '-'");
        }
        Engine engine = engines.get(name);
        if (engine == null) {
            if (!create) {
                throw new IllegalArgumentException("partition " + name + " has no accounting engine: enable it with acct:on " + name);
            }
            engine = new Engine(name, capacity);
            engines.put(name, engine);
        }
        return engine;
    }

    private void remeter() {
        for (Account account : accounts.values()) {
            account.metering = metered(account.partition);
        }
    }

    /** Closes the interval of every metered partition (every partition when {@code all}) and of the node. */
    private void tickAll(boolean all) {
        Instant now = Instant.now();
        for (Account account : accounts.values()) {
            if (all || account.metering) {
                tick(account, now);
            }
        }
        if (global.enabled()) {
            long cpu = processCpu();
            long own = Math.max(0, cpu - processCpu - partitionCpu);
            Map<Resource, Long> used = new EnumMap<>(Resource.class);
            used.put(Resource.CPU, own);
            global.record(AccountingRecord.NODE, new Account.Interval(nodeAt, now, null), new Usage(used, Map.of()));
            processCpu = cpu;
            partitionCpu = 0;
            nodeAt = now;
        }
    }

    private void tick(Account account, Instant now) {
        Account.Interval interval = account.tick(now, resource -> gauge(resource, account.partition));
        Usage used = interval.used().usage();
        Engine own = engines.get(account.partition);
        if (own != null && own.enabled()) {
            own.record(account.partition, interval, used);
        }
        if (global.enabled()) {
            global.record(account.partition, interval, used);
            partitionCpu += used.get(Resource.CPU);
        }
    }

    private long gauge(Resource resource, String partition) {
        long level = 0;
        for (ResourceGauge gauge : gauges) {
            if (gauge.resource() == resource) {
                try {
                    level += gauge.sample(partition);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "the " + resource.key() + " gauge failed for " + partition, e);
                }
            }
        }
        return level;
    }

    /**
     * The runtime's CPU time (every thread, living or gone), or 0 where the platform does not tell. Not through
     * JMX: starting the platform MBean server would cost every runtime launch a good part of a second.
     */
    private static long processCpu() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    private void schedule() {
        if (ticker != null) {
            ticker.cancel(false);
        }
        long millis = interval.toMillis();
        ticker = worker.scheduleAtFixedRate(() -> {
            try {
                synchronized (this) {
                    tickAll(false);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "accounting interval failed", e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Moves buffered records into the files, oldest engine first, until the buffers are empty or no file is free. */
    private void drain() {
        synchronized (writing) {
            List<Engine> all = new ArrayList<>();
            all.add(global);
            all.addAll(engines.values());
            for (Engine engine : all) {
                AccountingRecord record;
                while ((record = engine.peek()) != null) {
                    try {
                        if (!files.append(RecordCodec.encode(record))) {
                            return;
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot write accounting records: " + e.getMessage(), e);
                    }
                    engine.written();
                }
            }
        }
    }

    private void drainQuietly() {
        try {
            drain();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "accounting writer failed", e);
        }
    }

    /** Each engine's totals continue from its latest summary in the files (after a runtime restart). */
    private void continueTotals() {
        try {
            for (AccountingRecord record : files.read()) {
                if (record instanceof SummaryRecord summary && summary.engine().length() <= MAX_NAME) {
                    try {
                        engine(summary.engine(), true).totals(summary.scope(), summary.totals());
                    } catch (IllegalArgumentException e) {
                        LOG.log(Level.WARNING, "skipped a summary of unknown engine " + summary.engine());
                    }
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read the accounting files; totals start from 0: " + e.getMessage());
        }
    }

    private Properties loadSettings() {
        Properties properties = new Properties();
        if (Files.exists(settings)) {
            try (InputStream in = Files.newInputStream(settings)) {
                properties.load(in);
            } catch (IOException | IllegalArgumentException e) {
                LOG.log(Level.WARNING, "cannot read " + settings + "; accounting starts with defaults: " + e.getMessage());
            }
        }
        return properties;
    }

    /** Saved atomically (temp file and rename) on every change, so the engines come back as they were. */
    private void saveSettings() {
        Properties properties = new Properties();
        properties.setProperty("instance", instance);
        properties.setProperty("interval", Long.toString(interval.toSeconds()));
        List<Engine> all = new ArrayList<>();
        all.add(global);
        all.addAll(engines.values());
        for (Engine engine : all) {
            properties.setProperty("engine." + engine.name, (engine.enabled() ? "on" : "off") + ";"
                    + String.join(",", engine.resources().stream().map(Resource::key).sorted().toList()));
        }
        Path temp = settings.resolveSibling(settings.getFileName() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                properties.store(out, "Haven accounting engines");
            }
            Files.move(temp, settings, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the accounting settings " + settings + ": " + e.getMessage(), e);
        }
    }
}
