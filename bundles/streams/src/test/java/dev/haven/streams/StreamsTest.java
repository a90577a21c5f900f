package dev.haven.streams;

import static dev.haven.api.streams.Streams.FLUSHR;
import static dev.haven.api.streams.Streams.FLUSHRW;
import static dev.haven.api.streams.Streams.FLUSHW;
import static dev.haven.api.streams.Streams.MORECTL;
import static dev.haven.api.streams.Streams.MOREDATA;
import static dev.haven.api.streams.Streams.MSG_ANY;
import static dev.haven.api.streams.Streams.MSG_BAND;
import static dev.haven.api.streams.Streams.MSG_HIPRI;
import static dev.haven.api.streams.Streams.O_NONBLOCK;
import static dev.haven.api.streams.Streams.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.haven.api.accounting.Resource;
import dev.haven.api.firmware.IdSpace;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.streams.CheckpointRefusedException;
import dev.haven.api.streams.MessageBlock;
import dev.haven.api.streams.MessageType;
import dev.haven.api.streams.ModuleInfo;
import dev.haven.api.streams.OpenInfo;
import dev.haven.api.streams.Queue;
import dev.haven.api.streams.StrIoctl;
import dev.haven.api.streams.StrMessage;
import dev.haven.api.streams.StreamHandler;
import dev.haven.api.streams.StreamInfo;
import dev.haven.api.streams.StreamModule;
import dev.haven.api.streams.Streams;
import dev.haven.streams.modules.CaseModule;
import dev.haven.streams.modules.LoopDriver;

/** STREAMS semantics through the system calls: ordering, bands, flow control, flush, ioctls, modules, multiplexing. */
class StreamsTest {
    final TestProcess.Node node = new TestProcess.Node("node1", 700_000);
    final StreamsFramework framework = TestProcess.framework();
    final TestProcess process = new TestProcess(framework, "p1", 7, node, Map.of());
    final Streams s = process.streams;

    static byte[] b(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.US_ASCII);
    }

    static Errno errno(Runnable call) {
        return assertThrows(KernelException.class, call::run).errno();
    }

    StreamInfo info(int fd) {
        return framework.streams("p1").stream().filter(i -> i.descriptors().contains(fd)).findFirst().orElseThrow();
    }

    StreamInfo.QueueInfo queue(int fd, String owner, boolean read) {
        return info(fd).queues().stream().filter(q -> q.owner().equals(owner) && q.readSide() == read).findFirst().orElseThrow();
    }

    @Test
    void pipeCarriesMessagesInOrderBothWaysAndDescriptorsStartAtThree() {
        int[] fds = s.pipe();
        assertArrayEquals(new int[] { 3, 4 }, fds);
        s.write(fds[0], b("one"));
        s.write(fds[0], b("two"));
        s.write(fds[1], b("back"));
        s.setReadOptions(fds[1], Streams.RMSGN);
        assertEquals("one", text(s.read(fds[1], 100)));
        assertEquals("two", text(s.read(fds[1], 100)));
        assertEquals("back", text(s.read(fds[0], 100)));
        assertEquals(2, node.allocated(IdSpace.STREAM), "each end is a stream with a real id");
    }

    @Test
    void trafficThroughTheStreamHeadsIsMeteredForAccounting() {
        int[] fds = s.pipe();
        s.write(fds[0], b("abc"));
        s.putmsg(fds[0], b("ctl"), b("data"), 0, 0);
        s.setReadOptions(fds[1], Streams.RMSGN);
        assertEquals("abc", text(s.read(fds[1], 100)));
        StrMessage message = s.getmsg(fds[1], 100, 2, 0, 0);
        assertEquals("da", text(message.data()), "the rest stays at the head");
        assertEquals(Map.of(Resource.STREAMS_MSGS_OUT, 2L, Resource.STREAMS_BYTES_OUT, 10L, Resource.STREAMS_MSGS_IN, 2L,
                Resource.STREAMS_BYTES_IN, 8L), process.used);
    }

    @Test
    void highPriorityFirstThenBandsHighestFirstThenBandZero() {
        int[] fds = s.pipe();
        s.putmsg(fds[0], null, b("normal"), 0, 0);
        s.putmsg(fds[0], b("c2"), b("band2"), 2, MSG_BAND);
        s.putmsg(fds[0], null, b("band5"), 5, MSG_BAND);
        s.putmsg(fds[0], b("hi"), null, 0, MSG_HIPRI);
        s.putmsg(fds[0], null, b("band5b"), 5, MSG_BAND);
        StrMessage hi = s.getmsg(fds[1], 100, 100, 0, MSG_ANY);
        assertEquals("hi", text(hi.control()));
        assertNull(hi.data(), "no data part: len -1");
        assertEquals(MSG_HIPRI, hi.flags());
        assertEquals("band5", text(s.getmsg(fds[1], 100, 100, 0, MSG_ANY).data()));
        assertEquals("band5b", text(s.getmsg(fds[1], 100, 100, 0, MSG_ANY).data()));
        StrMessage band2 = s.getmsg(fds[1], 100, 100, 0, MSG_ANY);
        assertEquals("c2", text(band2.control()));
        assertEquals("band2", text(band2.data()));
        assertEquals(2, band2.band());
        StrMessage normal = s.getmsg(fds[1], 100, 100, 0, 0);
        assertNull(normal.control());
        assertEquals("normal", text(normal.data()));
        assertEquals(0, normal.flags());
    }

    @Test
    void getmsgSelectsByBandAndPriorityAndLeavesWhatDoesNotFit() {
        int[] fds = s.pipe();
        s.putmsg(fds[0], null, b("low"), 1, MSG_BAND);
        int reader = fds[1];
        s.close(fds[0]); // the data stays readable after the writer is gone
        Streams nonblocking = s;
        assertEquals(Errno.EAGAIN, errno(() -> nonblocking.getmsg(s.open("loop", O_RDWR | O_NONBLOCK), 10, 10, 0, MSG_HIPRI)));
        StrMessage partial = s.getmsg(reader, 0, 2, 1, MSG_BAND);
        assertEquals("lo", text(partial.data()));
        assertEquals(MOREDATA, partial.more());
        StrMessage rest = s.getmsg(reader, 0, 10, 0, MSG_ANY);
        assertEquals("w", text(rest.data()));
        assertEquals(1, rest.band(), "the rest keeps its band");
        StrMessage eof = s.getmsg(reader, 10, 10, 0, 0);
        assertEquals(0, eof.data().length, "hung up and empty: end of file");
    }

    @Test
    void controlPartThatDoesNotFitIsKeptWithMoreCtl() {
        int[] fds = s.pipe();
        s.putmsg(fds[0], b("header"), b("body"), 0, 0);
        StrMessage first = s.getmsg(fds[1], 3, 0, 0, 0);
        assertEquals("hea", text(first.control()));
        assertEquals(MORECTL | MOREDATA, first.more());
        StrMessage second = s.getmsg(fds[1], 10, 10, 0, 0);
        assertEquals("der", text(second.control()));
        assertEquals("body", text(second.data()));
    }

    @Test
    void putmsgAndGetmsgRejectBadArgumentsWithoutSendingAnything() {
        int[] fds = s.pipe();
        assertEquals(Errno.EINVAL, errno(() -> s.putmsg(fds[0], null, b("x"), 0, MSG_HIPRI)));
        assertEquals(Errno.EINVAL, errno(() -> s.putmsg(fds[0], null, b("x"), 3, 0)));
        assertEquals(Errno.EINVAL, errno(() -> s.putmsg(fds[0], null, b("x"), 256, MSG_BAND)));
        assertEquals(Errno.EINVAL, errno(() -> s.putmsg(fds[0], null, b("x"), 0, 0x40)));
        assertEquals(Errno.ERANGE, errno(() -> s.putmsg(fds[0], new byte[2000], null, 0, 0)));
        assertEquals(Errno.EINVAL, errno(() -> s.getmsg(fds[1], 1, 1, 0, 0x40)));
        assertEquals(Errno.EINVAL, errno(() -> s.getmsg(fds[1], 1, 1, 2, MSG_HIPRI)));
        assertEquals(Errno.EBADF, errno(() -> s.putmsg(99, null, b("x"), 0, 0)));
        assertEquals(Errno.EINVAL, errno(() -> s.read(fds[1], -1)));
        assertEquals(0, s.nread(fds[1])[0], "nothing was sent");
    }

    @Test
    void readModesByteStreamMessageDiscardAndMessageNondiscard() {
        int[] fds = s.pipe();
        for (String m : List.of("abc", "def", "ghi", "jkl")) {
            s.write(fds[0], b(m));
        }
        assertEquals("abcde", text(s.read(fds[1], 5)), "RNORM reads across messages");
        s.setReadOptions(fds[1], Streams.RMSGD);
        assertEquals(Streams.RMSGD | Streams.RPROTNORM, s.readOptions(fds[1]));
        assertEquals("f", text(s.read(fds[1], 5)), "RMSGD: the rest of the message");
        assertEquals("g", text(s.read(fds[1], 1)));
        s.setReadOptions(fds[1], Streams.RMSGN);
        assertEquals("jk", text(s.read(fds[1], 2)), "RMSGD dropped 'hi'");
        assertEquals("l", text(s.read(fds[1], 5)), "RMSGN kept the rest");
        assertEquals(Errno.EINVAL, errno(() -> s.setReadOptions(fds[1], 3)));
        assertEquals(Errno.EINVAL, errno(() -> s.setReadOptions(fds[1], Streams.RPROTDAT | Streams.RPROTDIS)));
    }

    @Test
    void protocolMessagesAtTheHeadFollowTheProtocolOption() {
        int[] fds = s.pipe();
        s.putmsg(fds[0], b("C"), b("D"), 0, 0);
        assertEquals(Errno.EBADMSG, errno(() -> s.read(fds[1], 10)));
        s.setReadOptions(fds[1], Streams.RPROTDAT);
        assertEquals("CD", text(s.read(fds[1], 10)));
        s.putmsg(fds[0], b("C"), b("D"), 0, 0);
        s.setReadOptions(fds[1], Streams.RPROTDIS);
        assertEquals("D", text(s.read(fds[1], 10)));
    }

    @Test
    void flowControlStopsANonBlockingWriterAndBackEnablingThroughTheLoopDriverDeliversEverything() {
        int fd = s.open("loop", O_RDWR | O_NONBLOCK);
        s.push(fd, "seqno");
        byte[] chunk = new byte[1000];
        int sent = 0;
        while (true) {
            try {
                s.write(fd, chunk);
                sent++;
            } catch (KernelException e) {
                assertEquals(Errno.EAGAIN, e.errno());
                break;
            }
        }
        StreamInfo.QueueInfo head = queue(fd, "head", true);
        StreamInfo.QueueInfo loopWrite = queue(fd, "loop", false);
        assertTrue(head.flags().contains("QFULL"), head.toString());
        assertTrue(loopWrite.messages() > 0 && loopWrite.flags().contains("QFULL"), "the loop driver holds the rest: " + loopWrite);
        int received = 0;
        while (s.nread(fd)[0] > 0) {
            s.setReadOptions(fd, Streams.RMSGN);
            byte[] message = s.read(fd, 2000);
            received++;
            assertTrue(text(message).startsWith(received + " "), "numbered in order by seqno on the way down");
        }
        assertEquals(sent, received, "back-enabling moved every queued message up");
        assertEquals(0, queue(fd, "loop", false).messages());
    }

    /** Waits until the process has parked {@code n} times in all: a waiter is then blocked in its call. */
    void awaitParks(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (process.parks.get() < n) {
            assertTrue(System.nanoTime() < deadline, "no call parked");
            Thread.yield();
        }
    }

    @Test
    void blockingWriterWaitsParkedForTheReaderAndBlockingReaderForTheWriter() throws Exception {
        int[] fds = s.pipe();
        s.write(fds[0], new byte[65_536]);
        CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> s.write(fds[0], new byte[20_000]));
        awaitParks(1);
        assertFalse(writer.isDone(), "the head at 64 KiB holds the writer");
        assertEquals(65_536, s.read(fds[1], 70_000).length);
        assertEquals(20_000, writer.get(10, TimeUnit.SECONDS));
        assertEquals(20_000, s.read(fds[1], 100_000).length);
        CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> s.read(fds[1], 10));
        awaitParks(2);
        s.write(fds[0], b("wake"));
        assertEquals("wake", text(reader.get(10, TimeUnit.SECONDS)));
    }

    @Test
    void flushGoesThroughTheWholeStackAndCrossesAPipe() {
        int[] fds = s.pipe();
        s.push(fds[1], "recbuf");
        s.write(fds[0], b("full line\npartial"));
        s.write(fds[1], b("to the other side\n"));
        assertEquals(1, s.nread(fds[1])[0]);
        assertEquals(1, s.nread(fds[0])[0]);
        s.flush(fds[0], FLUSHW); // crosses as FLUSHR: the other end's read side, recbuf's partial record included
        assertEquals(0, s.nread(fds[1])[0]);
        assertEquals(1, s.nread(fds[0])[0], "our own read side is untouched");
        s.write(fds[0], b("new\n"));
        assertEquals("new\n", text(s.read(fds[1], 100)), "the partial record was flushed with the queues");
        s.flush(fds[0], FLUSHR);
        assertEquals(0, s.nread(fds[0])[0]);
        assertEquals(Errno.EINVAL, errno(() -> s.flush(fds[0], 0)));
    }

    @Test
    void flushOfALoopStreamEmptiesTheDriverAndTheHead() {
        int fd = s.open("loop", O_RDWR | O_NONBLOCK);
        s.write(fd, b("stays"));
        framework.streams("p1"); // a look changes nothing
        s.flush(fd, FLUSHRW);
        assertEquals(0, s.nread(fd)[0]);
        assertEquals(Errno.EAGAIN, errno(() -> s.read(fd, 10)));
    }

    @Test
    void pushPopLookListFindAndTheirErrors() {
        int fd = s.open("loop", O_RDWR);
        assertEquals(Errno.EINVAL, errno(() -> s.look(fd)));
        assertEquals(Errno.EINVAL, errno(() -> s.pop(fd)));
        s.push(fd, "recbuf");
        s.push(fd, "seqno");
        s.push(fd, "case");
        assertEquals("case", s.look(fd));
        assertEquals(List.of("case", "seqno", "recbuf", "loop"), s.list(fd));
        assertTrue(s.find(fd, "seqno"));
        assertFalse(s.find(fd, "ldterm"));
        assertEquals(Errno.EINVAL, errno(() -> s.find(fd, "Bad Name")));
        assertEquals(Errno.EINVAL, errno(() -> s.push(fd, "nosuch")));
        s.pop(fd);
        assertEquals("seqno", s.look(fd));
        assertEquals(Errno.EBADF, errno(() -> s.push(42, "seqno")));
        for (int i = 2; i < StreamsImpl.NSTRPUSH; i++) {
            s.push(fd, "seqno");
        }
        assertEquals(Errno.EINVAL, errno(() -> s.push(fd, "seqno")), "nstrpush");
        assertEquals(Errno.ENOENT, errno(() -> s.open("nosuch", O_RDWR)));
        assertEquals(Errno.ENOENT, errno(() -> s.open("../loop", O_RDWR)));
        assertEquals(Errno.EINVAL, errno(() -> s.open("loop", 03)));
    }

    @Test
    void threeStatefulModulesTransformBothDirections() {
        int fd = s.open("loop", O_RDWR);
        s.push(fd, "recbuf");
        s.push(fd, "seqno");
        s.push(fd, "case");
        s.write(fd, b("hello "));
        s.write(fd, b("world\nrest"));
        // down: case upper-cases, seqno numbers each write, recbuf makes records; up: recbuf, seqno numbers, case leaves.
        s.setReadOptions(fd, Streams.RMSGN);
        assertEquals("1 1 HELLO 2 WORLD\n", text(s.read(fd, 100)));
        assertEquals(0, s.nread(fd)[0], "'2 REST' waits in recbuf for its newline");
        s.write(fd, b("!\n"));
        assertEquals("2 REST3 !\n", text(s.read(fd, 100)), "the held partial record, then the next write");
    }

    @Test
    void ioctlsAreAcknowledgedRefusedOrCopiedInAndOut() {
        int fd = s.open("loop", O_RDWR);
        s.push(fd, "case");
        StrIoctl got = s.str(fd, new StrIoctl(CaseModule.CASE_GET, new byte[0]));
        assertArrayEquals(new byte[] { CaseModule.UPPER, CaseModule.NONE }, got.data());
        s.str(fd, new StrIoctl(CaseModule.CASE_SET, new byte[] { CaseModule.NONE, CaseModule.LOWER }));
        s.write(fd, b("MiXeD"));
        assertEquals("mixed", text(s.read(fd, 10)));
        assertEquals(Errno.EINVAL, errno(() -> s.str(fd, new StrIoctl(CaseModule.CASE_SET, new byte[] { 9, 9 }))), "NAK by the module");
        assertEquals(Errno.EINVAL, errno(() -> s.str(fd, new StrIoctl(0x7777, new byte[0]))), "NAK by the loop driver");
        byte[] arg = { CaseModule.LOWER, CaseModule.UPPER };
        assertEquals(0, s.ioctl(fd, CaseModule.CASE_SET, arg), "transparent: M_COPYIN, M_IOCDATA, M_IOCACK");
        byte[] out = new byte[2];
        s.ioctl(fd, CaseModule.CASE_GET, out);
        assertArrayEquals(arg, out, "transparent: M_COPYOUT");
        assertEquals(Errno.EFAULT, errno(() -> s.ioctl(fd, CaseModule.CASE_SET, new byte[1])));
        assertEquals(Errno.EINVAL, errno(() -> s.ioctl(fd, Streams.I_PUSH, new byte[0])));
        s.write(fd, b("AbC"));
        assertEquals("ABC", text(s.read(fd, 10)), "down lower, up upper");
        int[] pipe = s.pipe();
        assertEquals(Errno.EINVAL, errno(() -> s.str(pipe[0], new StrIoctl(1, new byte[0]))), "a pipe end refuses ioctls");
        assertEquals(0, info(fd).flags().size(), "no ioctl left waiting: " + info(fd));
    }

    @Test
    void closingOneEndHangsUpTheOtherAfterItsData() {
        int[] fds = s.pipe();
        s.push(fds[0], "seqno");
        s.write(fds[0], b("last"));
        s.close(fds[0]);
        assertEquals("1 last", text(s.read(fds[1], 100)));
        assertEquals(0, s.read(fds[1], 100).length, "end of file");
        assertEquals(Errno.EPIPE, errno(() -> s.write(fds[1], b("x"))));
        assertEquals(Errno.EBADF, errno(() -> s.close(fds[0])));
        assertTrue(info(fds[1]).flags().contains("HANGUP"));
        s.close(fds[1]);
        assertEquals(0, node.allocated(IdSpace.STREAM), "real ids given back");
        assertEquals(3, s.open("loop", O_RDWR), "the lowest free descriptor again");
    }

    @Test
    void signalsAreRecordedForRegisteredProcesses() {
        int[] fds = s.pipe();
        assertEquals(Errno.EINVAL, errno(() -> s.signals(fds[1])));
        assertEquals(Errno.EINVAL, errno(() -> s.setSignals(fds[1], 0)));
        assertEquals(Errno.EINVAL, errno(() -> s.setSignals(fds[1], 0x10000)));
        s.setSignals(fds[1], Streams.S_INPUT | Streams.S_HIPRI | Streams.S_HANGUP);
        assertEquals(Streams.S_INPUT | Streams.S_HIPRI | Streams.S_HANGUP, s.signals(fds[1]));
        s.write(fds[0], b("x"));
        assertEquals(Streams.S_INPUT, s.takeSignals(fds[1]));
        assertEquals(0, s.takeSignals(fds[1]));
        s.putmsg(fds[0], b("p"), null, 0, MSG_HIPRI);
        s.close(fds[0]);
        assertEquals(Streams.S_HIPRI | Streams.S_HANGUP, s.takeSignals(fds[1]));
    }

    @Test
    void peekAndNreadLookWithoutTaking() {
        int[] fds = s.pipe();
        assertTrue(s.peek(fds[1], 10, 10, 0).isEmpty());
        s.putmsg(fds[0], b("ctl"), b("data"), 0, 0);
        s.write(fds[0], b("more"));
        assertArrayEquals(new int[] { 2, 4 }, s.nread(fds[1]));
        StrMessage peeked = s.peek(fds[1], 10, 2, 0).orElseThrow();
        assertEquals("ctl", text(peeked.control()));
        assertEquals("da", text(peeked.data()));
        assertTrue(s.peek(fds[1], 10, 10, Streams.RS_HIPRI).isEmpty());
        assertEquals(Errno.EINVAL, errno(() -> s.peek(fds[1], 10, 10, 7)));
        assertEquals("ctl", text(s.getmsg(fds[1], 10, 10, 0, 0).control()));
    }

    @Test
    void multiplexorRoutesDownByMuxIdAndUpWithIt() {
        int mux = s.open("mux", O_RDWR);
        int lower1 = s.open("loop", O_RDWR);
        int lower2 = s.open("loop", O_RDWR);
        s.push(lower2, "case");
        int id1 = s.link(mux, lower1);
        int id2 = s.link(mux, lower2);
        assertEquals(Errno.EINVAL, errno(() -> s.write(lower1, b("x"))), "a linked stream is not for I/O");
        assertEquals(Errno.EINVAL, errno(() -> s.link(lower1, mux)));
        int other = s.open("loop", O_RDWR);
        assertEquals(Errno.EINVAL, errno(() -> s.link(other, mux)), "loop is not a multiplexing driver");
        s.putmsg(mux, ByteBuffer.allocate(4).putInt(id2).array(), b("to two"), 0, 0);
        StrMessage up = s.getmsg(mux, 10, 10, 0, 0);
        assertEquals(id2, ByteBuffer.wrap(up.control()).getInt());
        assertEquals("TO TWO", text(up.data()), "through lower 2's case module and back");
        s.write(mux, b("plain"));
        StrMessage first = s.getmsg(mux, 10, 10, 0, 0);
        assertEquals(id1, ByteBuffer.wrap(first.control()).getInt());
        assertTrue(info(mux).flags().contains("MUX(2)"));
        assertEquals(Errno.EINVAL, errno(() -> s.unlink(mux, 99)));
        s.unlink(mux, id1);
        s.write(lower1, b("free again"));
        assertEquals("free again", text(s.read(lower1, 20)));
        s.close(lower2); // still linked: the stream lives on under the mux
        assertEquals(4, framework.streams("p1").size());
        s.close(mux); // unlinks lower 2, which has no descriptor left, so it closes
        assertEquals(2, framework.streams("p1").size());
    }

    @Test
    void theStreamLimitFailsWithEnosr() {
        TestProcess limited = new TestProcess(framework, "p2", 1, node, Map.of(StreamsFramework.LIMIT_STREAMS, 3L));
        limited.streams.pipe();
        limited.streams.open("loop", O_RDWR);
        assertEquals(Errno.ENOSR, errno(() -> limited.streams.open("loop", O_RDWR)));
        assertEquals(Errno.ENOSR, errno(() -> limited.streams.pipe()));
        assertEquals(3, framework.streams("p2").size());
        assertTrue(framework.streams("p1").isEmpty(), "partitions do not see each other's streams");
    }

    @Test
    void aModuleRegisteredAtRunTimeCanBePushedAtOnce() {
        StreamsFramework bare = new StreamsFramework();
        bare.addDriver(new LoopDriver(), Map.of());
        Streams streams = new TestProcess(bare, "p1", 1, node, Map.of()).streams;
        int fd = streams.open("loop", O_RDWR);
        assertEquals(Errno.EINVAL, errno(() -> streams.push(fd, "case")));
        CaseModule module = new CaseModule();
        bare.addModule(module, Map.of());
        streams.push(fd, "case");
        assertTrue(bare.components().stream().anyMatch(c -> c.info().name().equals("case") && c.kind().equals("module")));
        bare.removeModule(module);
        assertEquals(Errno.EINVAL, errno(() -> streams.push(fd, "case")));
        streams.write(fd, b("still pushed"));
        assertEquals("STILL PUSHED", text(streams.read(fd, 20)), "an instance outlives its service");
    }

    @Test
    void aFullBandHoldsOnlyItsOwnWritersAndDrainingItBackEnablesThem() {
        int fd = s.open("loop", O_RDWR | O_NONBLOCK);
        byte[] chunk = new byte[4000];
        int sent = 0;
        while (true) {
            try {
                s.putmsg(fd, null, chunk, 1, MSG_BAND);
                sent++;
            } catch (KernelException full) {
                assertEquals(Errno.EAGAIN, full.errno());
                break;
            }
        }
        assertTrue(queue(fd, "head", true).flags().contains("QB_FULL(1)"), queue(fd, "head", true).toString());
        assertTrue(queue(fd, "loop", false).flags().contains("QB_FULL(1)"), queue(fd, "loop", false).toString());
        s.putmsg(fd, null, b("band 0 still flows"), 0, 0);
        s.putmsg(fd, null, b("so does band 2"), 2, MSG_BAND);
        assertEquals("so does band 2", text(s.getmsg(fd, 0, 100, 0, MSG_ANY).data()), "band 2 overtakes band 1");
        int received = 0;
        StrMessage message;
        while ((message = s.getmsg(fd, 0, 5000, 0, MSG_ANY)).band() == 1) {
            received++;
        }
        assertEquals(sent, received, "every band 1 message came up as its queues drained");
        assertEquals("band 0 still flows", text(message.data()));
        assertFalse(queue(fd, "loop", false).flags().contains("QB_FULL(1)"));
    }

    @Test
    void aFrozenStreamLetsNothingButTheCheckpointMessagePass() throws Exception {
        framework.addModule(new StreamModule() {
            public ModuleInfo info() {
                return new ModuleInfo(77, "chatty", 0, ModuleInfo.INFPSZ, 1024, 128);
            }

            public StreamHandler create() {
                return new StreamHandler() {
                    Queue read;

                    public void open(Queue read, OpenInfo info) {
                        this.read = read;
                    }

                    public void checkpoint(DataOutput state) {
                        read.putnext(MessageBlock.of(MessageType.M_DATA, b("sneaky")));
                    }
                };
            }
        }, Map.of());
        int fd = s.open("loop", O_RDWR | O_NONBLOCK);
        s.push(fd, "chatty");
        CheckpointRefusedException refused = assertThrows(CheckpointRefusedException.class,
                () -> framework.capture("p1"));
        assertTrue(refused.getMessage().contains("module chatty failed to write its state: chatty: putnext of M_DATA[6 B] on a frozen stream"),
                refused.getMessage());
        assertEquals(0, s.nread(fd)[0], "nothing was sent");
        assertFalse(info(fd).flags().contains("FROZEN"), "and the stream was thawed");
        s.write(fd, b("after"));
        assertEquals("after", text(s.read(fd, 10)));
    }

    @Test
    void theAccessModeOfOpenIsEnforced() {
        int readOnly = s.open("loop", 0);
        int writeOnly = s.open("loop", 01 | O_NONBLOCK);
        assertEquals(Errno.EBADF, errno(() -> s.write(readOnly, b("x"))));
        assertEquals(Errno.EBADF, errno(() -> s.putmsg(readOnly, b("c"), null, 0, 0)));
        s.write(writeOnly, b("looped"));
        assertEquals(Errno.EBADF, errno(() -> s.read(writeOnly, 10)));
        assertEquals(Errno.EBADF, errno(() -> s.getmsg(writeOnly, 10, 10, 0, 0)));
        assertEquals(1, s.nread(writeOnly)[0], "what it wrote came back; only reading it is refused");
        assertTrue(info(writeOnly).flags().contains("WRONLY"));
    }

    @Test
    void aWaiterWokenByAFreezeWaitsAgainInsteadOfFailing() throws Exception {
        int[] fds = s.pipe();
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread reader = new Thread(() -> result.complete(s.read(fds[1], 10)));
        reader.start();
        awaitParks(1);
        reader.interrupt(); // what the freeze gate does to a parked call
        awaitParks(2);
        assertFalse(result.isDone(), "the woken read re-checked, found nothing, and waits again (ERESTARTSYS)");
        s.write(fds[0], b("data"));
        assertEquals("data", text(result.get(10, TimeUnit.SECONDS)));
    }
}
