package dev.haven.workloads;

import static dev.haven.api.ipc.Posix.O_CREAT;
import static dev.haven.api.ipc.Posix.O_RDONLY;
import static dev.haven.api.ipc.Posix.O_WRONLY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.haven.api.firmware.IdSpace;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.ipc.MqAttr;
import dev.haven.api.ipc.PosixIpc;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.SystemCalls;
import dev.haven.ipc.PosixVirtualizer;

/**
 * mq-pipeline against the real POSIX IPC virtualizer: the three stages pass every item; a restored receiver accepts
 * exactly what a checkpoint between two of its kernel calls can explain (one item taken by an interrupted receive,
 * one item sent again), and fails on anything else — a gap, a duplicate or a reordering the kernel would have caused.
 */
class MqPipelineTest {
    final PosixVirtualizer virtualizer = new PosixVirtualizer();
    final Node node = new Node();

    /** A node kernel that counts ids up. */
    static final class Node implements NodeKernel {
        private final AtomicInteger next = new AtomicInteger(100);

        public String node() {
            return "node1";
        }

        public long boot() {
            return 1;
        }

        public int allocate(IdSpace space) {
            return next.getAndIncrement();
        }

        public void release(IdSpace space, int id) {
        }

        public int allocated(IdSpace space) {
            return 0;
        }
    }

    /** The kernel side of one process: calls run straight through (the freeze gate is the kernel's, tested there). */
    record Calls(int pid, NodeKernel node) implements SystemCalls {
        public String partition() {
            return "p1";
        }

        public Credentials credentials() {
            return Credentials.ROOT;
        }

        public long limit(String name, long defaultValue) {
            return defaultValue;
        }

        public <T> T call(String name, Supplier<T> body) {
            return body.get();
        }

        public void park() {
        }

        public void unpark() {
        }
    }

    PosixIpc ipc(int vpid) {
        return virtualizer.bind(new Calls(vpid, node));
    }

    FakeProcess stage(int vpid, String... args) {
        FakeProcess process = new FakeProcess(args);
        process.extensions.put(PosixIpc.class, ipc(vpid));
        return process;
    }

    @Test
    void threeStagesPassEveryItemOnceAndInOrder() throws Exception {
        FakeProcess consumer = stage(1, "consumer", "300", "0", "t");
        FakeProcess transform = stage(2, "transform", "300", "0", "t");
        FakeProcess producer = stage(3, "producer", "300", "0", "t");
        CompletableFuture<Integer> c = CompletableFuture.supplyAsync(() -> new MqPipeline().run(consumer));
        CompletableFuture<Integer> t = CompletableFuture.supplyAsync(() -> new MqPipeline().run(transform));
        CompletableFuture<Integer> p = CompletableFuture.supplyAsync(() -> new MqPipeline().run(producer));
        assertEquals(0, p.get(30, TimeUnit.SECONDS));
        assertEquals(0, t.get(30, TimeUnit.SECONDS));
        assertEquals(0, c.get(30, TimeUnit.SECONDS), consumer.state.toString());
        assertEquals(300L, consumer.state.get("verified"));
        assertEquals(0L, consumer.state.get("duplicates"));
        assertEquals(0L, consumer.state.get("recovered"));
        assertEquals(300L, producer.state.get("next"));
    }

    /** Puts transformed items (number:priority) into /t-out as the transform would, then END. */
    void upstream(String... items) {
        PosixIpc ipc = ipc(9);
        int mqd = ipc.mqOpen("/t-out", O_CREAT | O_WRONLY, 0600, MqAttr.of(16, 64));
        for (String item : items) {
            String[] parts = item.split(":");
            long s = Long.parseLong(parts[0]);
            ipc.mqSend(mqd, (s + " " + MqPipeline.transformed(MqPipeline.item(s))).getBytes(StandardCharsets.UTF_8),
                    parts.length > 1 ? Integer.parseInt(parts[1]) : MqPipeline.priority(s));
        }
        ipc.mqSend(mqd, "-1 END".getBytes(StandardCharsets.UTF_8), 0);
    }

    /** A consumer of COUNT items as a checkpoint left it: its handle saved, nothing delivered, a receive in flight or not. */
    FakeProcess consumer(int count, boolean resumed, boolean receiving) {
        FakeProcess consumer = stage(1, "consumer", Integer.toString(count), "0", "t");
        int handle = ipc(1).mqOpen("/t-out", O_RDONLY, 0, null);
        consumer.state.put("in", (long) handle);
        consumer.state.put("progress", "[0, 1, 2, 3, 0, 0, 0, 0, 0, " + (receiving ? 1 : 0) + "]");
        consumer.resumed = resumed;
        return consumer;
    }

    @Test
    void aRestoredConsumerWhoseReceiveWasInFlightAcceptsOneMissingItem() {
        upstream("0", "1", "2", "3", "5", "6", "7");
        FakeProcess consumer = consumer(8, true, true);
        assertEquals(0, new MqPipeline().run(consumer));
        assertEquals(8L, consumer.state.get("verified"));
        assertEquals(1L, consumer.state.get("recovered"));
        assertEquals(3L, consumer.state.get("in"), "it took its saved handle back");
    }

    @Test
    void twoRestartsFromInsideAReceiveAllowTwoMissingItemsOfDifferentPriorities() {
        upstream("0", "1", "2", "3", "4", "7");
        FakeProcess consumer = consumer(8, true, true);
        consumer.state.put("progress", "[0, 1, 2, 3, 0, 0, 0, 1, 0, 1]");
        assertEquals(0, new MqPipeline().run(consumer));
        assertEquals(2L, consumer.state.get("recovered"));
    }

    @Test
    void twoMissingItemsOfOnePriorityAreMoreThanRestartsExplain() {
        upstream("0", "1", "2", "3", "5", "6", "7", "9", "10", "11");
        FakeProcess consumer = consumer(12, true, true);
        consumer.state.put("progress", "[0, 1, 2, 3, 0, 0, 0, 1, 0, 1]");
        assertThrows(KernelException.class, () -> new MqPipeline().run(consumer));
        assertEquals("END came after 10 of 12 items", consumer.state.get("error"));
    }

    @Test
    void aMissingItemWithoutARestartFailsTheConsumer() {
        upstream("0", "1", "2", "3", "5", "6", "7");
        FakeProcess consumer = consumer(8, false, true);
        KernelException failure = assertThrows(KernelException.class, () -> new MqPipeline().run(consumer));
        assertEquals(Errno.EBADMSG, failure.errno());
        assertEquals("END came after 7 of 8 items", consumer.state.get("error"));
    }

    @Test
    void aRestoredConsumerWithoutAReceiveInFlightAcceptsNoGap() {
        upstream("0", "1", "2", "3", "4", "5", "6", "7", "9", "10", "11", "12", "13", "14", "15");
        FakeProcess consumer = consumer(16, true, false);
        assertThrows(KernelException.class, () -> new MqPipeline().run(consumer));
        assertEquals("item 12 of priority 0 came when 8 was next", consumer.state.get("error"));
    }

    @Test
    void aRestoredConsumerDropsTheOneItemItsUpstreamSentAgain() {
        upstream("0", "1", "2", "3", "3");
        FakeProcess consumer = consumer(4, true, false);
        assertEquals(0, new MqPipeline().run(consumer));
        assertEquals(1L, consumer.state.get("duplicates"));
    }

    @Test
    void aSecondDuplicateFailsTheConsumer() {
        upstream("0", "1", "2", "2", "2", "3");
        FakeProcess consumer = consumer(4, true, false);
        assertThrows(KernelException.class, () -> new MqPipeline().run(consumer));
        assertEquals("item 2 of priority 2 came when 6 was next", consumer.state.get("error"));
    }

    @Test
    void itemsOutOfOrderWithinAPriorityFailTheConsumerEvenAfterARestart() {
        upstream("8", "4", "0", "1", "2", "3", "5", "6", "7", "9", "10", "11");
        FakeProcess consumer = consumer(12, true, true);
        assertThrows(KernelException.class, () -> new MqPipeline().run(consumer));
        assertTrue(consumer.state.get("error").toString().startsWith("item 8 of priority 0 came when"),
                consumer.state.toString());
    }

    @Test
    void anItemAtTheWrongPriorityFailsTheConsumer() {
        upstream("0", "1:3", "2", "3");
        FakeProcess consumer = consumer(4, false, false);
        assertThrows(KernelException.class, () -> new MqPipeline().run(consumer));
        assertEquals("item 1 came as 'ITEM-1|t' at priority 3, not 'ITEM-1|t' at 1", consumer.state.get("error"));
    }

    @Test
    void aRestoredTransformSendsItsPendingItemsAgainBeforeReceiving() {
        PosixIpc raw = ipc(9);
        int in = raw.mqOpen("/t-in", O_CREAT | O_WRONLY, 0600, MqAttr.of(8, 64));
        raw.mqSend(in, "-1 END".getBytes(StandardCharsets.UTF_8), 0);
        FakeProcess transform = stage(2, "transform", "2", "0", "t");
        // both items received and recorded, neither known to be forwarded
        transform.state.put("progress", "[4, 5, 2, 3, 2, 0, 0, 0, 0, 0, 0, 1]");
        transform.resumed = true;
        assertEquals(0, new MqPipeline().run(transform));
        int out = raw.mqOpen("/t-out", O_RDONLY, 0, null);
        assertEquals(3, raw.mqGetattr(out).curmsgs(), "items 0 and 1, then END");
        assertEquals("1 ITEM-1|t", new String(raw.mqReceive(out, 64).data(), StandardCharsets.UTF_8));
        assertEquals("0 ITEM-0|t", new String(raw.mqReceive(out, 64).data(), StandardCharsets.UTF_8));
        assertEquals("-1 END", new String(raw.mqReceive(out, 64).data(), StandardCharsets.UTF_8));
        assertEquals(1, raw.mqGetattr(in).curmsgs(), "done with its items, it did not wait for the upstream's END");
    }

    @ParameterizedTest(name = "mq-pipeline {0} fails with EINVAL")
    @CsvSource(delimiter = '|', value = { "relay 10", "consumer 0", "consumer x", "consumer 10 -1", "consumer 10 1 a/b", "consumer" })
    void badArgumentsAreEinval(String args) {
        FakeProcess process = stage(1, args.split(" "));
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> new MqPipeline().run(process)).errno());
    }

    @Test
    void withoutPosixIpcThePipelineSaysWhatIsMissing() {
        KernelException missing = assertThrows(KernelException.class, () -> new MqPipeline().run(new FakeProcess("consumer", "1")));
        assertEquals(Errno.ENOSYS, missing.errno());
        assertTrue(missing.getMessage().contains("PosixIpc"), missing.getMessage());
    }
}
