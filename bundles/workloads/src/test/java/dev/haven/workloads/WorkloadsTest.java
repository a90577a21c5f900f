package dev.haven.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;

class WorkloadsTest {

    @Test
    void tickerCountsToItsLimitAtItsRate() {
        FakeProcess process = new FakeProcess("50", "20");
        assertEquals(0, new Ticker().run(process));
        assertEquals(20L, process.state.get("count"));
        assertEquals(Duration.ofMillis(400), process.slept);
    }

    @Test
    void aResumedTickerContinuesFromItsSavedCount() {
        FakeProcess process = new FakeProcess("10", "12");
        process.state.put("count", 9L);
        process.resumed = true;
        new Ticker().run(process);
        assertEquals(12L, process.state.get("count"));
        assertEquals(Duration.ofMillis(300), process.slept, "three ticks remained");
    }

    @ParameterizedTest(name = "ticker {0} {1} fails with {2}")
    @CsvSource({ "0,5,EINVAL", "x,5,EINVAL", "10,-1,EINVAL", "10,,EINVAL" })
    void tickerRefusesBadArgumentsAsEinval(String rate, String limit, Errno expected) {
        FakeProcess process = limit == null ? new FakeProcess(rate, "") : new FakeProcess(rate, limit);
        assertEquals(expected, assertThrows(KernelException.class, () -> new Ticker().run(process)).errno());
    }

    @Test
    void tickerRefusesTooManyArgumentsAsE2big() {
        assertEquals(Errno.E2BIG, assertThrows(KernelException.class, () -> new Ticker().run(new FakeProcess("1", "2", "3"))).errno());
    }

    @Test
    void crasherFailsWithItsMessageAfterItsDelay() {
        FakeProcess process = new FakeProcess("250", "disk", "on", "fire");
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> new Crasher().run(process));
        assertEquals("disk on fire", failure.getMessage());
        assertEquals(Duration.ofMillis(250), process.slept);
    }

    @Test
    void ipcWorkloadsNeedTheIpcExtensionAndSayWhenItIsMissing() {
        KernelException missing = assertThrows(KernelException.class, () -> new Counter().run(new FakeProcess("10")));
        assertEquals(Errno.ENOSYS, missing.errno());
        assertTrue(missing.getMessage().contains("SysVIpc"), missing.getMessage());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> new Kv().run(new FakeProcess())).errno());
    }

    @ParameterizedTest(name = "ipcloop {0} fails with EINVAL")
    @CsvSource(delimiter = '|', value = { "msg", "disk 5", "msg 0", "sem x", "sem 5 6", "shm -1", "msg 5 -2", "msg 5 64 1" })
    void ipcloopRefusesBadArgumentsAsEinvalBeforeAnyCall(String args) {
        FakeProcess process = new FakeProcess(args.split(" "));
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> new IpcLoop().run(process)).errno());
    }

    @Test
    void theStackWorkloadNeedsTheStreamsExtensionAndSayWhenItIsMissing() {
        KernelException missing = assertThrows(KernelException.class, () -> new Stack().run(new FakeProcess("setup")));
        assertEquals(Errno.ENOSYS, missing.errno());
        assertTrue(missing.getMessage().contains("Streams"), missing.getMessage());
    }
}
