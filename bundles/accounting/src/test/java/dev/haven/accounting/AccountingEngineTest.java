package dev.haven.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.haven.api.accounting.AccountingFile;
import dev.haven.api.accounting.AccountingRecord;
import dev.haven.api.accounting.IntervalRecord;
import dev.haven.api.accounting.ProcessMeter;
import dev.haven.api.accounting.ProcessRecord;
import dev.haven.api.accounting.Resource;
import dev.haven.api.accounting.ResourceGauge;
import dev.haven.api.accounting.SummaryRecord;
import dev.haven.api.accounting.Usage;
import dev.haven.api.checkpoint.CheckpointContext;
import dev.haven.api.checkpoint.ImageHeader;
import dev.haven.api.checkpoint.RestoreContext;
import dev.haven.api.firmware.IdSpace;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.ProcessStatus;

class AccountingEngineTest {
    private static final String GLOBAL = AccountingRecord.GLOBAL;
    private static final Set<Resource> ALL = EnumSet.allOf(Resource.class);

    @TempDir
    Path home;

    private final List<AccountingEngine> engines = new ArrayList<>();

    /** Intervals and the writer only run when a test flushes: no timing in these tests. */
    private AccountingEngine engine(Path directory, int files, long fileSize, int buffer) {
        AccountingEngine engine = new AccountingEngine(directory, files, fileSize, buffer, Duration.ofDays(1), 3_600_000);
        engines.add(engine);
        return engine;
    }

    private AccountingEngine engine() {
        return engine(home.resolve("acct"), 4, 1 << 20, 1024);
    }

    @AfterEach
    void close() {
        engines.forEach(AccountingEngine::deactivate);
    }

    /** A process that makes known kernel calls and IPC transfers, on the calling thread. */
    private static void process(AccountingEngine engine, String partition, int pid, int messages, int size, ProcessStatus end) {
        ProcessMeter meter = engine.processStarted(partition, "node1", pid, "loop", Instant.now());
        meter.kernelCall("msgget");
        for (int i = 0; i < messages; i++) {
            meter.kernelCall("msgsnd");
            meter.add(Resource.IPC_MSGS_OUT, 1);
            meter.add(Resource.IPC_BYTES_OUT, size);
            meter.kernelCall("msgrcv");
            meter.add(Resource.IPC_MSGS_IN, 1);
            meter.add(Resource.IPC_BYTES_IN, size);
        }
        meter.ended(end, 0);
    }

    private static List<ProcessRecord> processRecords(AccountingEngine engine, String name) {
        return engine.records(Optional.of(name), Instant.EPOCH).stream().filter(ProcessRecord.class::isInstance)
                .map(ProcessRecord.class::cast).toList();
    }

    @Test
    void kernelCallsAndIpcAreCountedByKindPerProcessAndPerPartition() {
        AccountingEngine engine = engine();
        engine.enable("p1", ALL);
        process(engine, "p1", 1, 100, 64, ProcessStatus.EXITED);
        process(engine, "p1", 2, 10, 1000, ProcessStatus.EXITED);
        engine.flush();

        Usage totals = engine.totals("p1").get("p1");
        assertEquals(110, totals.get(Resource.IPC_MSGS_OUT));
        assertEquals(110, totals.get(Resource.IPC_MSGS_IN));
        assertEquals(100 * 64 + 10 * 1000, totals.get(Resource.IPC_BYTES_OUT));
        assertEquals(100 * 64 + 10 * 1000, totals.get(Resource.IPC_BYTES_IN));
        assertEquals(Map.of("msgget", 2L, "msgsnd", 110L, "msgrcv", 110L), totals.calls());
        assertEquals(222, totals.get(Resource.KERNEL_CALLS));

        List<ProcessRecord> records = processRecords(engine, "p1");
        assertEquals(List.of(1, 2), records.stream().map(ProcessRecord::pid).toList());
        assertEquals(201, records.get(0).usage().get(Resource.KERNEL_CALLS));
        assertEquals(10_000, records.get(1).usage().get(Resource.IPC_BYTES_IN));
        assertTrue(records.stream().allMatch(record -> record.status() == ProcessStatus.EXITED && !record.checkpointed()));
    }

    @Test
    void cpuAndWallTimeAreTheProcessThreadsOwn() throws Exception {
        AccountingEngine engine = engine();
        engine.enable("p1", ALL);
        var threads = ManagementFactory.getThreadMXBean();
        AtomicReference<Long> measured = new AtomicReference<>();
        Thread process = new Thread(() -> {
            ProcessMeter meter = engine.processStarted("p1", "node1", 7, "spin", Instant.now());
            long begin = threads.getCurrentThreadCpuTime();
            long x = 0;
            while (threads.getCurrentThreadCpuTime() - begin < 50_000_000L) {
                x += x * 31 + 7;
            }
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long cpu = threads.getCurrentThreadCpuTime();
            measured.set(cpu + (x == 42 ? 1 : 0));
            meter.ended(ProcessStatus.EXITED, cpu);
        });
        long wallBegin = System.nanoTime();
        process.start();
        process.join();
        long wall = System.nanoTime() - wallBegin;
        engine.flush();
        ProcessRecord record = processRecords(engine, "p1").get(0);
        assertTrue(record.usage().get(Resource.CPU) >= 50_000_000L, record.toString());
        assertTrue(record.usage().get(Resource.CPU) <= measured.get(), record.toString());
        assertTrue(record.usage().get(Resource.WALL) >= 80_000_000L, "50 ms of CPU and 30 ms of sleep: " + record);
        assertTrue(record.usage().get(Resource.WALL) <= wall, record.toString());
        assertEquals(record.usage().get(Resource.CPU), engine.totals("p1").get("p1").get(Resource.CPU));
    }

    @Test
    void aRunningProcessesUseReachesTheIntervalBeforeItEnds() {
        AccountingEngine engine = engine();
        engine.enable("p1", ALL);
        ProcessMeter meter = engine.processStarted("p1", "node1", 1, "loop", Instant.now());
        meter.kernelCall("semop");
        meter.kernelCall("semop");
        engine.flush();
        meter.kernelCall("semop");
        engine.flush();
        List<IntervalRecord> intervals = engine.records(Optional.of("p1"), Instant.EPOCH).stream()
                .filter(IntervalRecord.class::isInstance).map(IntervalRecord.class::cast).toList();
        assertEquals(List.of(2L, 1L), intervals.stream().map(interval -> interval.usage().calls().get("semop")).toList());
        assertEquals(intervals.get(0).to(), intervals.get(1).from(), "intervals follow each other");
        meter.ended(ProcessStatus.KILLED, 0);
        engine.flush();
        assertEquals(3, engine.totals("p1").get("p1").calls().get("semop"), "no call counted twice at the end");
    }

    @Test
    void partitionTotalsAddUpToTheGlobalTotals() {
        AccountingEngine engine = engine();
        engine.enable(GLOBAL, ALL);
        engine.enable("p1", ALL);
        engine.enable("p2", ALL);
        process(engine, "p1", 1, 50, 10, ProcessStatus.EXITED);
        process(engine, "p2", 1, 70, 20, ProcessStatus.EXITED);
        engine.checkpointed("p2", Duration.ofMillis(12), 4096);
        engine.flush();
        Map<String, Usage> global = engine.totals(GLOBAL);
        assertEquals(List.of("p1", "p2", AccountingRecord.NODE), List.copyOf(global.keySet()));
        Usage p1 = engine.totals("p1").get("p1");
        Usage p2 = engine.totals("p2").get("p2");
        assertEquals(p1, global.get("p1"));
        assertEquals(p2, global.get("p2"));
        assertEquals(1, p2.get(Resource.CHECKPOINTS));
        assertEquals(12_000_000, p2.get(Resource.FREEZE_TIME));
        assertEquals(4096, p2.get(Resource.IMAGE_BYTES));
        Usage sum = p1.plus(p2).plus(global.get(AccountingRecord.NODE));
        Usage total = global.values().stream().reduce(Usage.NONE, Usage::plus);
        assertEquals(sum, total);
        assertEquals(50 * 10 + 70 * 20, total.get(Resource.IPC_BYTES_OUT));
        assertEquals(2, processRecords(engine, GLOBAL).size(), "the global engine records every partition's processes");
    }

    @Test
    void eachEngineRecordsOnlyItsSelectionAndNothingWhenOff() {
        AccountingEngine engine = engine();
        engine.enable("p1", Resource.parse("ipc.msgs"));
        process(engine, "p1", 1, 5, 100, ProcessStatus.EXITED);
        process(engine, "p3", 1, 5, 100, ProcessStatus.EXITED);
        engine.flush();
        Usage p1 = engine.totals("p1").get("p1");
        assertEquals(Map.of(Resource.IPC_MSGS_IN, 5L, Resource.IPC_MSGS_OUT, 5L), p1.amounts());
        assertTrue(p1.calls().isEmpty());
        assertEquals(Map.of(Resource.IPC_MSGS_IN, 5L, Resource.IPC_MSGS_OUT, 5L), processRecords(engine, "p1").get(0).usage().amounts());
        assertTrue(engine.totals(GLOBAL).values().stream().allMatch(Usage::isEmpty), "the global engine is off");
        assertThrows(IllegalArgumentException.class, () -> engine.totals("p3"), "p3 has no engine");

        engine.disable("p1");
        process(engine, "p1", 2, 5, 100, ProcessStatus.EXITED);
        engine.flush();
        assertEquals(5, engine.totals("p1").get("p1").get(Resource.IPC_MSGS_OUT), "what it accumulated stays, nothing is added");
        assertEquals(1, processRecords(engine, "p1").size());
    }

    @Test
    void processesEndedByACheckpointOrANodeFailureAreFlagged() {
        AccountingEngine engine = engine();
        engine.enable("p1", ALL);
        process(engine, "p1", 1, 1, 1, ProcessStatus.CHECKPOINTED);
        process(engine, "p1", 2, 1, 1, ProcessStatus.LOST);
        process(engine, "p1", 3, 1, 1, ProcessStatus.CRASHED);
        engine.flush();
        List<ProcessRecord> records = processRecords(engine, "p1");
        assertTrue(records.get(0).checkpointed() && !records.get(0).nodeFailure());
        assertTrue(records.get(1).nodeFailure() && !records.get(1).checkpointed());
        assertFalse(records.get(2).checkpointed() || records.get(2).nodeFailure());
        assertEquals(ProcessStatus.CRASHED, records.get(2).status());
    }

    @Test
    void sharedMemoryResidentIsALevelSampledFromTheGauges() {
        AccountingEngine engine = engine();
        long[] level = { 65536 };
        engine.addGauge(new ResourceGauge() {
            @Override
            public Resource resource() {
                return Resource.SHM_RESIDENT;
            }

            @Override
            public long sample(String partition) {
                return partition.equals("p1") ? level[0] : 0;
            }
        });
        engine.enable("p1", ALL);
        ProcessMeter meter = engine.processStarted("p1", "node1", 1, "shm", Instant.now());
        engine.flush();
        assertEquals(65536, engine.totals("p1").get("p1").get(Resource.SHM_RESIDENT));
        level[0] = 4096;
        engine.flush();
        assertEquals(4096, engine.totals("p1").get("p1").get(Resource.SHM_RESIDENT), "a level, not a sum");
        meter.ended(ProcessStatus.KILLED, 0);
    }

    @Test
    void checkpointRestartAndFailoverAreCountedForThePartition() {
        AccountingEngine engine = engine();
        engine.enable("p1", EnumSet.of(Resource.CHECKPOINTS, Resource.RESTARTS, Resource.FAILOVERS, Resource.FREEZE_TIME));
        engine.processStarted("p1", "node1", 1, "loop", Instant.now()).ended(ProcessStatus.EXITED, 0);
        engine.checkpointed("p1", Duration.ofMillis(5), 100);
        engine.checkpointed("p1", Duration.ofMillis(7), 100);
        engine.restarted("p1");
        engine.failedOver("p1");
        Usage p1 = engine.totals("p1").get("p1");
        assertEquals(Map.of(Resource.CHECKPOINTS, 2L, Resource.FREEZE_TIME, 12_000_000L, Resource.RESTARTS, 1L,
                Resource.FAILOVERS, 1L), p1.amounts());
    }

    // ---- mobility

    private static final NodeKernel NODE = new NodeKernel() {
        @Override
        public String node() {
            return "node2";
        }

        @Override
        public long boot() {
            return 1;
        }

        @Override
        public int allocate(IdSpace space) {
            return 1;
        }

        @Override
        public void release(IdSpace space, int id) {
        }

        @Override
        public int allocated(IdSpace space) {
            return 0;
        }
    };

    private static RestoreContext restoring(String partition) {
        ImageHeader header = new ImageHeader(1, partition, PartitionSpec.DEFAULT, "node1", Instant.now(), Map.of());
        return new RestoreContext(partition, header, "node2", NODE, PartitionSpec.DEFAULT);
    }

    private static byte[] checkpoint(AccountingEngine engine, String partition) throws Exception {
        Sections.Out out = new Sections.Out();
        engine.checkpoint(new CheckpointContext(partition, "node1", PartitionSpec.DEFAULT, Instant.now()), out);
        return out.bytes();
    }

    @Test
    void totalsTravelInTheImageAndContinueInAnotherRuntime() throws Exception {
        AccountingEngine source = engine();
        source.enable("p1", Resource.parse("ipc,syscalls,mobility"));
        ProcessMeter running = source.processStarted("p1", "node1", 1, "loop", Instant.now());
        running.kernelCall("msgsnd");
        running.add(Resource.IPC_BYTES_OUT, 300);
        byte[] section = checkpoint(source, "p1");
        running.ended(ProcessStatus.CHECKPOINTED, 0);

        AccountingEngine target = engine(home.resolve("other"), 2, 8192, 16);
        target.restore(restoring("p1"), 1, new Sections.In(section));
        target.restarted("p1");
        process(target, "p1", 1, 2, 50, ProcessStatus.EXITED);
        Usage p1 = target.totals("p1").get("p1");
        assertEquals(300 + 2 * 50, p1.get(Resource.IPC_BYTES_OUT), "continued from the image");
        assertEquals(1, p1.calls().get("msgsnd") - 2, "one call before the checkpoint, two after");
        assertEquals(1, p1.get(Resource.RESTARTS));
        assertEquals(Resource.parse("ipc,syscalls,mobility"), target.engines().get(1).resources(), "the selection travelled too");
        assertTrue(target.engines().get(1).enabled());
    }

    @Test
    void restoringItsOwnImageInTheSameRuntimeNeitherLosesNorDoublesUse() throws Exception {
        AccountingEngine engine = engine();
        engine.enable(GLOBAL, ALL);
        engine.enable("p1", ALL);
        process(engine, "p1", 1, 10, 10, ProcessStatus.EXITED);
        byte[] section = checkpoint(engine, "p1");
        process(engine, "p1", 2, 5, 10, ProcessStatus.CHECKPOINTED);
        engine.restore(restoring("p1"), 1, new Sections.In(section));
        engine.restarted("p1");
        Usage p1 = engine.totals("p1").get("p1");
        assertEquals(15, p1.get(Resource.IPC_MSGS_OUT));
        assertEquals(p1, engine.totals(GLOBAL).get("p1"));
    }

    @Test
    void aDiscardedRestoreLeavesTheEngineAsItWas() throws Exception {
        AccountingEngine source = engine();
        source.enable("p1", ALL);
        process(source, "p1", 1, 10, 10, ProcessStatus.EXITED);
        byte[] section = checkpoint(source, "p1");

        AccountingEngine target = engine(home.resolve("other"), 2, 8192, 16);
        target.restore(restoring("p1"), 1, new Sections.In(section));
        target.discard(restoring("p1"));
        assertEquals(1, target.engines().size(), "only the global engine: p1's was never there");
        assertThrows(IllegalArgumentException.class, () -> target.totals("p1"));
    }

    // ---- files and buffers

    @Test
    void filesAreSwitchedWhenFullAndAnAlertStopsWritingWhenNoneIsFree() {
        AccountingEngine engine = engine(home.resolve("small"), 2, 4096, 10_000);
        engine.enable("p1", ALL);
        for (int pid = 1; pid <= 200; pid++) {
            process(engine, "p1", pid, 1, 1, ProcessStatus.EXITED);
        }
        engine.flush();
        List<AccountingFile> files = engine.files();
        assertEquals(AccountingFile.State.FULL, files.get(0).state());
        assertEquals(AccountingFile.State.FULL, files.get(1).state());
        assertEquals(1, files.get(0).sequence());
        assertEquals(2, files.get(1).sequence());
        long inFiles = files.stream().mapToLong(AccountingFile::records).sum();
        int waiting = engine.engines().get(1).buffered();
        assertTrue(waiting > 0, "no file is free: records wait in the buffer");
        assertEquals(200 + 2, inFiles + waiting, "200 process records, one interval and one summary record");
        assertEquals(inFiles, engine.records(Optional.empty(), Instant.EPOCH).size());

        AccountingFile released = engine.release("acct.0");
        assertEquals(AccountingFile.State.FREE, released.state());
        List<AccountingFile> after = engine.files();
        assertTrue(after.get(0).state() == AccountingFile.State.ACTIVE || after.get(0).state() == AccountingFile.State.FULL);
        assertEquals(3, after.get(0).sequence(), "the released file became the newest");
        assertTrue(engine.engines().get(1).buffered() < waiting, "waiting records went into the released file");
        IllegalArgumentException notFull = assertThrows(IllegalArgumentException.class, () -> engine.release("acct.9"));
        assertTrue(notFull.getMessage().contains("no accounting file named 'acct.9'"), notFull.getMessage());
    }

    @Test
    void aFullBufferDropsAndCountsRecordsInsteadOfGrowing() {
        AccountingEngine engine = engine(home.resolve("tiny"), 2, 4096, 5);
        engine.enable("p1", ALL);
        for (int pid = 1; pid <= 400; pid++) {
            process(engine, "p1", pid, 1, 1, ProcessStatus.EXITED);
        }
        var status = engine.engines().get(1);
        assertEquals(5, status.buffered());
        assertEquals(395, status.dropped());
        assertEquals(400 * 3, engine.totals("p1").get("p1").get(Resource.KERNEL_CALLS), "the totals are whole: only records were dropped");
    }

    @Test
    void recordsAndTotalsOutliveARuntimeRestart() {
        Path directory = home.resolve("acct");
        AccountingEngine first = engine(directory, 3, 1 << 16, 100);
        first.enable("p1", ALL);
        first.interval(Duration.ofSeconds(5));
        process(first, "p1", 1, 4, 25, ProcessStatus.EXITED);
        first.flush();
        first.deactivate();
        engines.remove(first);

        AccountingEngine second = engine(directory, 3, 1 << 16, 100);
        assertEquals(Duration.ofSeconds(5), second.interval());
        assertTrue(second.engines().get(1).enabled(), "p1's engine is on again");
        assertEquals(100, second.totals("p1").get("p1").get(Resource.IPC_BYTES_IN), "totals continue from the last summary");
        assertEquals(1, processRecords(second, "p1").size());
        assertTrue(second.records(Optional.of("p1"), Instant.EPOCH).stream().anyMatch(SummaryRecord.class::isInstance));
        process(second, "p1", 2, 1, 25, ProcessStatus.EXITED);
        assertEquals(125, second.totals("p1").get("p1").get(Resource.IPC_BYTES_IN));
    }

    @Test
    void badRequestsFailClearlyAndChangeNothing() {
        AccountingEngine engine = engine();
        assertThrows(IllegalArgumentException.class, () -> engine.enable("p1", Set.of()));
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> engine.enable("P 1", ALL));
        assertTrue(name.getMessage().contains("invalid partition name 'P 1'"), name.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> engine.disable("p9"));
        assertTrue(unknown.getMessage().contains("partition p9 has no accounting engine"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> engine.interval(Duration.ofMillis(500)));
        assertThrows(IllegalArgumentException.class, () -> engine.interval(Duration.ofDays(2)));
        assertEquals(Duration.ofDays(1), engine.interval());
        assertEquals(1, engine.engines().size());
        IllegalArgumentException resource = assertThrows(IllegalArgumentException.class, () -> Resource.parse("cpu,disk"));
        assertTrue(resource.getMessage().startsWith("unknown resource 'disk'"), resource.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Resource.parse(" , "));
        IllegalArgumentException notFull = assertThrows(IllegalArgumentException.class, () -> engine.release("acct.0"));
        assertTrue(notFull.getMessage().contains("is FREE, not FULL"), notFull.getMessage());
    }

    @Test
    void resourceGroupsSelectWhatTheyName() {
        assertEquals(EnumSet.of(Resource.IPC_BYTES_IN, Resource.IPC_BYTES_OUT, Resource.IPC_MSGS_IN, Resource.IPC_MSGS_OUT),
                Resource.parse("ipc"));
        assertEquals(EnumSet.of(Resource.PTY_BYTES_IN, Resource.PTY_BYTES_OUT), Resource.parse("pty.bytes"));
        assertEquals(EnumSet.of(Resource.CHECKPOINTS, Resource.FREEZE_TIME, Resource.IMAGE_BYTES, Resource.CPU),
                Resource.parse("checkpoint, CPU"));
        assertEquals(ALL, Resource.parse("all"));
    }
}
