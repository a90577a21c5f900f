package dev.haven.streams.checkpoint;

import static dev.haven.api.streams.Streams.MSG_ANY;
import static dev.haven.api.streams.Streams.MSG_BAND;
import static dev.haven.api.streams.Streams.MSG_HIPRI;
import static dev.haven.api.streams.Streams.O_NONBLOCK;
import static dev.haven.api.streams.Streams.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.haven.api.checkpoint.CheckpointContext;
import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.ImageHeader;
import dev.haven.api.checkpoint.RestoreContext;
import dev.haven.api.firmware.IdSpace;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.streams.MessageBlock;
import dev.haven.api.streams.ModuleInfo;
import dev.haven.api.streams.Queue;
import dev.haven.api.streams.StrIoctl;
import dev.haven.api.streams.StrMessage;
import dev.haven.api.streams.StreamDriver;
import dev.haven.api.streams.StreamHandler;
import dev.haven.api.streams.StreamInfo;
import dev.haven.api.streams.StreamModule;
import dev.haven.api.streams.Streams;
import dev.haven.streams.StreamsFramework;
import dev.haven.streams.modules.CaseModule;
import dev.haven.streams.modules.LoopDriver;
import dev.haven.streams.modules.MuxDriver;
import dev.haven.streams.modules.RecordModule;
import dev.haven.streams.modules.SequenceModule;

/** The streams section rebuilds every stack, its module state and its queued messages on another node. */
class StreamsCheckpointerTest {
    final Process.Node node1 = new Process.Node("node1", 500_000);
    final Process.Node node2 = new Process.Node("node2", 900_000);
    final StreamsFramework source = framework();
    final StreamsFramework target = framework();
    final StreamsCheckpointer sourceCheckpointer = new StreamsCheckpointer(source);
    final StreamsCheckpointer targetCheckpointer = new StreamsCheckpointer(target);
    final CheckpointContext context = new CheckpointContext("p1", "node1", PartitionSpec.DEFAULT, Instant.now());

    static StreamsFramework framework() {
        StreamsFramework framework = new StreamsFramework();
        framework.addModule(new SequenceModule(), Map.of());
        framework.addModule(new RecordModule(), Map.of());
        framework.addModule(new CaseModule(), Map.of());
        framework.addDriver(new LoopDriver(), Map.of());
        framework.addDriver(new MuxDriver(), Map.of());
        return framework;
    }

    static byte[] b(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static String text(byte[] bytes) {
        return bytes == null ? "-" : new String(bytes, StandardCharsets.US_ASCII);
    }

    byte[] checkpoint() throws IOException {
        assertEquals(Optional.empty(), sourceCheckpointer.veto(context));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        sourceCheckpointer.checkpoint(context, new Section.Output(bytes));
        return bytes.toByteArray();
    }

    void restore(StreamsCheckpointer checkpointer, byte[] section) throws IOException {
        ImageHeader header = new ImageHeader(1, "p1", PartitionSpec.DEFAULT, "node1", Instant.now(), Map.of());
        checkpointer.restore(new RestoreContext("p1", header, "node2", node2, PartitionSpec.DEFAULT), 1, new Section.Input(section));
    }

    /**
     * Three stateful modules on a loop stream with a partial record held, messages queued all the way down
     * and up (the writer was stopped by flow control), changed case modes; a pipe with numbered messages
     * waiting in both directions, in bands and high priority, and a signal registration.
     */
    static int[] load(Streams s) {
        int loop = s.open("loop", O_RDWR | O_NONBLOCK);
        s.push(loop, "recbuf");
        s.push(loop, "seqno");
        s.push(loop, "case");
        s.str(loop, new StrIoctl(CaseModule.CASE_SET, new byte[] { CaseModule.UPPER, CaseModule.LOWER }));
        s.setReadOptions(loop, Streams.RMSGN);
        s.write(loop, b("a partial rec"));
        try {
            for (int i = 0; i < 10_000; i++) {
                s.write(loop, b("line " + i + " " + "x".repeat(400) + "\n"));
            }
            throw new AssertionError("flow control never stopped the writer");
        } catch (KernelException full) {
            assertEquals(Errno.EAGAIN, full.errno());
        }
        int[] pipe = s.pipe();
        s.push(pipe[1], "seqno");
        s.putmsg(pipe[0], null, b("normal"), 0, 0);
        s.putmsg(pipe[0], b("ctl"), b("band3"), 3, MSG_BAND);
        s.putmsg(pipe[0], b("urgent"), null, 0, MSG_HIPRI);
        s.write(pipe[1], b("upstream one"));
        s.write(pipe[1], b("upstream two"));
        s.setSignals(pipe[0], Streams.S_INPUT | Streams.S_RDBAND);
        return new int[] { loop, pipe[0], pipe[1] };
    }

    /** The next messages, then everything each descriptor reads, in order. */
    static List<String> drain(Streams s, int[] fds) {
        s.write(fds[1], b("after"));
        s.write(fds[2], b("after too"));
        List<String> transcript = new ArrayList<>();
        transcript.add("signals " + s.takeSignals(fds[1]));
        for (int fd : new int[] { fds[2], fds[1] }) {
            while (s.nread(fd)[0] > 0) {
                transcript.add(next(s, fd));
            }
        }
        readLoop(s, fds[0], transcript);
        s.write(fds[0], b("rd\n"));
        readLoop(s, fds[0], transcript);
        return transcript;
    }

    private static String next(Streams s, int fd) {
        StrMessage m = s.getmsg(fd, 1000, 1000, 0, MSG_ANY);
        return fd + ": " + text(m.control()) + "|" + text(m.data()) + "|" + m.band() + "|" + m.flags();
    }

    /** Reads the non-blocking loop stream until nothing more comes up. */
    private static void readLoop(Streams s, int fd, List<String> transcript) {
        while (true) {
            try {
                transcript.add(next(s, fd));
            } catch (KernelException empty) {
                assertEquals(Errno.EAGAIN, empty.errno());
                return;
            }
        }
    }

    static List<String> withoutRealIds(List<StreamInfo> streams) {
        return streams.stream().map(i -> List.of(i.id(), i.descriptors(), i.driver(), i.modules(), i.queues(), i.flags(), i.peer()).toString())
                .toList();
    }

    @Test
    void stacksWithStateAndMessagesInFlightBothWaysComeOutAsIfNothingHappened() throws IOException {
        Streams before = new Process(source, node1).streams;
        int[] fds = load(before);
        List<StreamInfo> listed = source.streams("p1");
        StreamInfo loop = listed.get(0);
        assertEquals(List.of("case", "seqno", "recbuf"), loop.modules());
        assertTrue(loop.queues().stream().anyMatch(q -> q.owner().equals("loop") && !q.readSide() && q.messages() > 0),
                "messages wait in the driver: " + loop);

        byte[] section = checkpoint();
        assertEquals(listed, source.streams("p1"), "the capture drained nothing and left nothing frozen");
        restore(targetCheckpointer, section);
        List<StreamInfo> restored = target.streams("p1");
        assertEquals(withoutRealIds(listed), withoutRealIds(restored), "the same stacks, queues, flags, descriptors");
        for (int i = 0; i < listed.size(); i++) {
            assertNotEquals(listed.get(i).realId(), restored.get(i).realId(), "a fresh real id on node2");
        }
        assertEquals(3, node2.allocated(IdSpace.STREAM));

        List<String> expected = drain(before, fds);
        List<String> actual = drain(new Process(target, node2).streams, fds);
        assertEquals(expected, actual);
        assertTrue(actual.size() > 50, "a real amount of traffic: " + actual.size());
        // Down: case upper-cases, seqno numbers, recbuf makes records; up: recbuf, seqno numbers, case lower-cases.
        assertTrue(actual.contains(fds[0] + ": -|1 1 a partial rec2 line 0 " + "x".repeat(400) + "\n|0|4"),
                "the partial record held by recbuf was completed by the first line: " + actual.subList(0, 9));
        String last = actual.get(actual.size() - 1);
        java.util.regex.Matcher numbers = java.util.regex.Pattern.compile(fds[0] + ": -\\|(\\d+) (\\d+) rd\n\\|0\\|4").matcher(last);
        assertTrue(numbers.matches(), "the next message came out last: " + last);
        assertEquals(Integer.parseInt(numbers.group(1)) + 1, Integer.parseInt(numbers.group(2)),
                "numbered on: one more down than up, as the first record held two writes");
    }

    @Test
    void aModuleThatCannotBeCheckpointedVetoesWithItsReasonAndNothingChanges() throws IOException {
        Streams s = new Process(source, node1).streams;
        int mux = s.open("mux", O_RDWR);
        int lower = s.open("loop", O_RDWR);
        int muxId = s.link(mux, lower);
        Optional<String> veto = sourceCheckpointer.veto(context);
        assertTrue(veto.isPresent());
        assertTrue(veto.get().startsWith("stream 1: driver mux refused: 1 stream(s) linked under it"), veto.get());
        assertTrue(source.streams("p1").stream().noneMatch(i -> i.flags().contains("FROZEN")));
        s.write(mux, b("still works"));
        StrMessage up = s.getmsg(mux, 10, 20, 0, 0);
        assertEquals("still works", text(up.data()));
        s.unlink(mux, muxId);
        assertEquals(Optional.empty(), sourceCheckpointer.veto(context), "without links it can be checkpointed");
    }

    @Test
    void anIoctlWaitingForItsAcknowledgementVetoes() throws Exception {
        source.addDriver(new StreamDriver() {
            public ModuleInfo info() {
                return new ModuleInfo(99, "silent", 0, ModuleInfo.INFPSZ, 1024, 128);
            }

            public StreamHandler create() {
                return new StreamHandler() {
                    public void put(Queue q, MessageBlock message) {
                        // never answers an ioctl
                    }
                };
            }
        }, Map.of());
        Process process = new Process(source, node1);
        int fd = process.streams.open("silent", O_RDWR);
        CompletableFuture<Errno> ioctl = CompletableFuture.supplyAsync(() -> {
            try {
                process.streams.str(fd, new StrIoctl(1, 2000, new byte[0], 0));
                return null;
            } catch (KernelException e) {
                return e.errno();
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (process.parks.get() == 0) {
            assertTrue(System.nanoTime() < deadline);
            Thread.yield();
        }
        assertTrue(sourceCheckpointer.veto(context).orElseThrow().contains("an ioctl is waiting for its acknowledgement"));
        assertEquals(Errno.ETIME, ioctl.get(10, TimeUnit.SECONDS));
        assertEquals(Optional.empty(), sourceCheckpointer.veto(context));
    }

    @Test
    void aMissingModuleOrAnUnknownStateVersionFailsTheRestartNamingItAndBuildsNothing() throws IOException {
        load(new Process(source, node1).streams);
        byte[] section = checkpoint();
        StreamsFramework withoutCase = new StreamsFramework();
        withoutCase.addModule(new SequenceModule(), Map.of());
        withoutCase.addModule(new RecordModule(), Map.of());
        withoutCase.addDriver(new LoopDriver(), Map.of());
        ImageException missing = assertThrows(ImageException.class, () -> restore(new StreamsCheckpointer(withoutCase), section));
        assertTrue(missing.getMessage().contains("stream 1: module 'case' is not installed (its bundle is absent)"), missing.getMessage());
        assertTrue(withoutCase.streams("p1").isEmpty());
        assertEquals(0, node2.allocated(IdSpace.STREAM), "no real id taken");

        StreamsFramework older = new StreamsFramework();
        older.addModule(new RecordModule(), Map.of());
        older.addModule(new CaseModule(), Map.of());
        older.addDriver(new LoopDriver(), Map.of());
        older.addModule(new StreamModule() {
            public ModuleInfo info() {
                return new ModuleInfo(1, "seqno", 0, ModuleInfo.INFPSZ, 1024, 128);
            }

            public int stateVersion() {
                return 2;
            }

            public boolean canRestore(int version) {
                return version == 2;
            }

            public StreamHandler create() {
                return new StreamHandler() {
                };
            }
        }, Map.of());
        ImageException version = assertThrows(ImageException.class, () -> restore(new StreamsCheckpointer(older), section));
        assertTrue(version.getMessage().contains("module 'seqno' cannot read its state version 1 (the installed one writes 2)"),
                version.getMessage());
    }

    @Test
    void aModuleThatCannotReadItsStateFailsTheRestartAndGivesBackItsRealIds() throws IOException {
        load(new Process(source, node1).streams);
        byte[] section = checkpoint();
        StreamModule unreadable = new StreamModule() {
            public ModuleInfo info() {
                return new ModuleInfo(2, "recbuf", 0, ModuleInfo.INFPSZ, 1024, 128);
            }

            public StreamHandler create() {
                return new StreamHandler() {
                    public void restore(Queue read, int version, DataInput state) throws IOException {
                        throw new IOException("state from the future");
                    }

                    public void checkpoint(DataOutput state) {
                    }
                };
            }
        };
        StreamsFramework withUnreadable = new StreamsFramework();
        withUnreadable.addModule(new SequenceModule(), Map.of());
        withUnreadable.addModule(new CaseModule(), Map.of());
        withUnreadable.addModule(unreadable, Map.of());
        withUnreadable.addDriver(new LoopDriver(), Map.of());
        ImageException failed = assertThrows(ImageException.class, () -> restore(new StreamsCheckpointer(withUnreadable), section));
        assertTrue(failed.getMessage().contains("module 'recbuf' could not read its state: state from the future"), failed.getMessage());
        assertEquals(0, node2.allocated(IdSpace.STREAM));
    }

    @Test
    void aDamagedSectionIsRefusedWithoutBuildingAnything() throws IOException {
        load(new Process(source, node1).streams);
        byte[] section = checkpoint();
        for (int cut : new int[] { 3, section.length / 2, section.length - 1 }) {
            byte[] truncated = Arrays.copyOf(section, cut);
            assertThrows(IOException.class, () -> restore(targetCheckpointer, truncated), "cut at " + cut);
            assertTrue(target.streams("p1").isEmpty());
        }
        byte[] hostile = section.clone();
        hostile[0] = 0x7f; // descriptor count of two billion
        ImageException e = assertThrows(ImageException.class, () -> restore(targetCheckpointer, hostile));
        assertTrue(e.getMessage().contains("descriptors: count"), e.getMessage());
        byte[] trailing = Arrays.copyOf(section, section.length + 1);
        assertTrue(assertThrows(ImageException.class, () -> restore(targetCheckpointer, trailing)).getMessage()
                .contains("1 bytes after the last stream"));
    }

    @Test
    void aPartitionWithoutStreamsWritesAnEmptySectionAndRestoresNothing() throws IOException {
        byte[] section = checkpoint();
        assertEquals(8, section.length);
        restore(targetCheckpointer, section);
        assertTrue(target.streams("p1").isEmpty());
        targetCheckpointer.discard(new RestoreContext("p1", new ImageHeader(1, "p1", PartitionSpec.DEFAULT, "node1", Instant.now(),
                Map.of()), "node2", node2, PartitionSpec.DEFAULT));
    }
}
