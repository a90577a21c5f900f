package dev.haven.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.haven.api.kernel.Credentials;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.PartitionState;
import dev.haven.api.partition.ProcessStatus;

class FreezeGateTest {
    private Partition partition;
    private FreezeGate gate;

    @BeforeEach
    void partition() {
        partition = new Partition("p1", "node1", PartitionSpec.DEFAULT, PartitionState.ACTIVE, Optional.empty());
        partition.attach(new TestFirmware.TestLease("p1", "node1", 1), null);
        gate = partition.gate();
    }

    private KernelProcess process(int vpid) {
        return new KernelProcess(partition, vpid, 1000 + vpid, "test", List.of(), Credentials.ROOT, Instant.now(),
                new ProcessSavedState(1024), false);
    }

    /** Runs a kernel call of {@code process} on its own thread, as the process would. */
    private Thread inThread(KernelProcess process, Runnable call) {
        Thread thread = new Thread(call, "process-" + process.vpid());
        process.attach(thread);
        thread.start();
        return thread;
    }

    private static void awaitBlocked(Thread thread) {
        Await.until(thread.getName() + " blocks", () -> thread.getState() == Thread.State.WAITING
                || thread.getState() == Thread.State.TIMED_WAITING);
    }

    @Test
    void frozenGateAdmitsNoKernelCallUntilThaw() throws Exception {
        KernelProcess process = process(1);
        assertEquals(Map.of(), gate.freeze(Duration.ofSeconds(1)));
        CountDownLatch admitted = new CountDownLatch(1);
        Thread caller = inThread(process, () -> {
            gate.enter(process, "getpid");
            admitted.countDown();
            gate.leave(process);
        });
        awaitBlocked(caller);
        assertEquals(1, admitted.getCount(), "a call was admitted while frozen");
        gate.thaw();
        assertTrue(admitted.await(5, TimeUnit.SECONDS), "the call did not continue after the thaw");
        caller.join();
    }

    @Test
    void freezeWaitsForCallsInFlightToFinish() throws Exception {
        KernelProcess process = process(1);
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Thread caller = inThread(process, () -> {
            gate.enter(process, "msgsnd");
            inCall.countDown();
            try {
                finish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            gate.leave(process);
        });
        assertTrue(inCall.await(5, TimeUnit.SECONDS));
        CompletableFuture<Map<KernelProcess, String>> freeze = CompletableFuture.supplyAsync(() -> gate.freeze(Duration.ofSeconds(30)));
        Await.until("the freeze has closed the gate", gate::frozen);
        assertFalse(freeze.isDone(), "the freeze completed while a call was in flight");
        finish.countDown();
        assertEquals(Map.of(), freeze.get(5, TimeUnit.SECONDS));
        caller.join();
        gate.thaw();
    }

    @Test
    void freezeTimeoutNamesTheHolderAndLeavesThePartitionRunning() throws Exception {
        KernelProcess holder = process(7);
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Thread caller = inThread(holder, () -> {
            gate.enter(holder, "semop");
            inCall.countDown();
            try {
                finish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            gate.leave(holder);
        });
        assertTrue(inCall.await(5, TimeUnit.SECONDS));
        Map<KernelProcess, String> holders = gate.freeze(Duration.ofMillis(50));
        assertEquals(Map.of(holder, "semop"), holders);
        assertFalse(gate.frozen(), "a failed freeze must thaw");
        KernelProcess other = process(8);
        gate.enter(other, "getpid");
        gate.leave(other);
        finish.countDown();
        caller.join();
    }

    @Test
    void sleepingCallIsWokenByFreezeHeldAtTheGateAndRestartedAfterThaw() throws Exception {
        KernelProcess process = process(1);
        ProcessKernel kernel = new ProcessKernel(process, type -> java.util.Optional.empty(), dev.haven.api.accounting.ProcessMeter.NONE);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread sleeper = inThread(process, () -> {
            try {
                kernel.sleep(Duration.ofMillis(300));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        Await.until("the sleep parks", () -> gate.state(process) == FreezeGate.CallState.PARKED);
        long begin = System.nanoTime();
        assertEquals(Map.of(), gate.freeze(Duration.ofSeconds(5)));
        assertTrue(System.nanoTime() - begin < TimeUnit.MILLISECONDS.toNanos(250),
                "the freeze waited for the sleep instead of waking it");
        // woken, the call must come back to the gate and wait there: neither parked nor in flight
        Await.until("the woken sleep waits at the gate", () -> gate.state(process) == FreezeGate.CallState.OUTSIDE);
        awaitBlocked(sleeper);
        assertTrue(sleeper.isAlive());
        gate.thaw();
        Await.until("the sleep is re-issued", () -> gate.state(process) == FreezeGate.CallState.PARKED || !sleeper.isAlive());
        sleeper.join(5000);
        assertFalse(sleeper.isAlive());
        assertEquals(null, failure.get());
    }

    @Test
    void killedProcessHeldAtFrozenGateEndsInsteadOfWaiting() throws Exception {
        KernelProcess process = process(1);
        gate.freeze(Duration.ofSeconds(1));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = inThread(process, () -> {
            try {
                gate.enter(process, "getpid");
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        awaitBlocked(caller);
        process.terminate(ProcessStatus.KILLED);
        caller.join(5000);
        assertTrue(thrown.get() instanceof ProcessTermination termination && termination.status() == ProcessStatus.KILLED,
                "expected termination, got " + thrown.get());
    }

    @Test
    void callsOfAPartitionWhoseLeaseEndedAreRefused() {
        KernelProcess process = process(1);
        partition.lease().release();
        ProcessTermination end = org.junit.jupiter.api.Assertions.assertThrows(ProcessTermination.class,
                () -> gate.enter(process, "getpid"));
        assertEquals(ProcessStatus.LOST, end.status());
    }
}
