package dev.haven.pty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.haven.api.checkpoint.CheckpointContext;
import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.ImageHeader;
import dev.haven.api.checkpoint.RestoreContext;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.pty.Pty;
import dev.haven.api.pty.PtyInfo;
import dev.haven.api.pty.Termios;
import dev.haven.api.pty.WinSize;
import dev.haven.api.streams.StreamsSnapshot;
import dev.haven.api.streams.StreamsSnapshot.StreamImage;

/**
 * Checkpoint of a partition's ptys and restart on another node, where the real stream ids differ but the
 * pty numbers, descriptors and settings do not: mid-line (a half-typed canonical line survives), with unread
 * output, locked and hung-up ptys, packet mode, window size, raw mode, session and foreground group. Restore
 * must not depend on order: the streams and the pty entries are restored shuffled for many seeds, and with
 * every slave before every master.
 */
class PtyCheckpointTest {
    final TestProcess.Node node1 = new TestProcess.Node("node1", 500_000);
    final TestProcess.Node node2 = new TestProcess.Node("node2", 900_000);
    final TestProcess.World source = new TestProcess.World();
    final TestProcess p = source.process("p1", 10, node1);
    Terminal shell;
    Terminal raw;
    Terminal packet;
    int lockedMaster;
    Terminal hungup;
    StreamsSnapshot snapshot;
    byte[] section;

    @BeforeEach
    void partition() throws Exception {
        p.pty.setsid();
        shell = new Terminal(p);
        p.pty.winsize(shell.slave, new WinSize(24, 80, 0, 0));
        shell.type("echo hal"); // half a line, in ldterm
        shell.screen();
        shell.output("unread output\n"); // on its way to the master's reader
        raw = new Terminal(p);
        p.pty.tcsetattr(raw.slave, Termios.TCSANOW, Termios.defaults().raw().withCc(Termios.VMIN, 4));
        raw.type("xy"); // fewer than VMIN: still in ldterm
        packet = new Terminal(p);
        p.pty.packet(packet.master, true);
        lockedMaster = p.pty.openpt();
        hungup = new Terminal(p);
        p.streams.close(hungup.master);
        p.pty.sigpending();
        snapshot = source.framework.capture("p1");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        source.subsystem.checkpoint(new CheckpointContext("p1", "node1", PartitionSpec.DEFAULT, Instant.now()), new Section.Output(bytes));
        section = bytes.toByteArray();
    }

    /** Restores on node2 with the streams and the pty entries in the given orders. */
    TestProcess.World restore(List<StreamImage> streams, Random entryOrder) throws IOException {
        TestProcess.World target = new TestProcess.World();
        target.framework.install("p1", node2, new StreamsSnapshot(snapshot.descriptors(), streams));
        Section.Input in = new Section.Input(section);
        List<PtySection.Process> processes = PtySection.readProcesses(in, in.remaining());
        List<PtySection.Entry> entries = new ArrayList<>(PtySection.readEntries(in, in.remaining()));
        PtySection.Console console = PtySection.readConsole(in, in.remaining());
        Collections.shuffle(entries, entryOrder);
        ByteArrayOutputStream shuffled = new ByteArrayOutputStream();
        Section.Output out = new Section.Output(shuffled);
        PtySection.write(out, processes, entries);
        PtySection.write(out, console);
        out.flush();
        ImageHeader header = new ImageHeader(1, "p1", PartitionSpec.DEFAULT, "node1", Instant.now(), Map.of());
        target.subsystem.restore(new RestoreContext("p1", header, "node2", node2, PartitionSpec.DEFAULT), 1,
                new Section.Input(shuffled.toByteArray()));
        return target;
    }

    void assertRestored(TestProcess.World target) {
        assertEquals(source.subsystem.ptys("p1"), target.subsystem.ptys("p1"), "pty:list before and after");
        TestProcess q = target.process("p1", 10, node2);
        // The half-typed line is finished on the new node, and the shell reads it whole.
        q.streams.write(shell.master, Terminal.b("lo\r"));
        assertEquals("lo\r\n", Terminal.text(q.streams.read(shell.master, 100)).replace("unread output\r\n", ""));
        assertEquals("echo hallo\n", Terminal.text(q.streams.read(shell.slave, 100)));
        assertEquals(new WinSize(24, 80, 0, 0), q.pty.winsize(shell.slave));
        assertEquals(shell.name, "pts/0");
        // Raw mode with VMIN 4 still holds "xy" and sends it up with two more bytes.
        q.streams.write(raw.master, Terminal.b("zw"));
        assertEquals("xyzw", Terminal.text(q.streams.read(raw.slave, 100)));
        // Packet mode: a status byte before the data.
        q.streams.write(packet.slave, Terminal.b("p"));
        assertArrayEquals(new byte[] { 0, 'p' }, q.streams.read(packet.master, 100));
        // The locked pty is still locked; unlocked, its slave opens.
        KernelAssert.errno(dev.haven.api.kernel.Errno.EAGAIN, () -> q.pty.openpts("pts/3"));
        q.pty.unlockpt(lockedMaster);
        q.pty.openpts("pts/3");
        // The hung-up slave reads end of file.
        assertEquals(0, q.streams.read(hungup.slave, 10).length);
        // Signals still reach the foreground group of the restored session.
        q.streams.write(shell.master, new byte[] { 3 });
        assertEquals(1 << Pty.SIGINT, q.pty.sigpending());
    }

    @Test
    void unreadOutputAndHalfLineSurviveTheMove() throws IOException {
        assertRestored(restore(snapshot.streams(), new Random(1)));
    }

    @Test
    void restoreOrderDoesNotMatter() throws IOException {
        for (int seed = 0; seed < 40; seed++) {
            List<StreamImage> streams = new ArrayList<>(snapshot.streams());
            Collections.shuffle(streams, new Random(seed));
            assertRestored(restore(streams, new Random(seed)));
        }
    }

    @Test
    void slavesBeforeMasters() throws IOException {
        List<StreamImage> streams = new ArrayList<>(snapshot.streams());
        streams.sort(Comparator.comparing((StreamImage s) -> !s.driver().name().equals("pts")).thenComparing(s -> -s.id()));
        assertTrue(streams.get(0).driver().name().equals("pts"));
        assertRestored(restore(streams, new Random(7)));
    }

    @Test
    void aPairWhoseEndDidNotComeBackFailsTheRestart() throws IOException {
        PtyTable table = new PtyTable("p1", null);
        List<PtySection.Entry> entries = List.of(new PtySection.Entry(0, false, false, 10, 10, 1, 2));
        ImageException e = assertThrows(ImageException.class, () -> PtySection.apply(table, List.of(), entries));
        assertTrue(e.getMessage().contains("pty 0's master was stream 1 but the streams section restored none"), e.getMessage());
    }

    @Test
    void aSectionWithMoreEntriesThanBytesIsRefused() {
        byte[] bad = { 0, 0, 0, 0, 0x7f, 0, 0, 0 };
        assertThrows(ImageException.class, () -> {
            Section.Input in = new Section.Input(bad);
            PtySection.readProcesses(in, in.remaining());
            PtySection.readEntries(in, in.remaining());
        });
    }
}
