package dev.haven.pty;

import static dev.haven.pty.KernelAssert.errno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.haven.api.kernel.Errno;
import dev.haven.api.pty.Pty;
import dev.haven.api.pty.PtyInfo;
import dev.haven.api.pty.Termios;
import dev.haven.api.pty.WinSize;

/** Opening, locking, hanging up and closing ptys; sessions, groups and signals; the errors of each call. */
class PtyLifecycleTest {
    final TestProcess.Node node = new TestProcess.Node("node1", 800_000);
    final TestProcess.World world = new TestProcess.World();
    final TestProcess p = world.process("p1", 10, node);
    final Pty pty = p.pty;

    @Test
    void clonedMastersGetTheLowestFreeNumber() {
        int m0 = pty.openpt();
        int m1 = pty.openpt();
        assertEquals("pts/0", pty.ptsname(m0));
        assertEquals("pts/1", pty.ptsname(m1));
        p.streams.close(m0);
        assertEquals("pts/0", pty.ptsname(pty.openpt()));
        assertEquals(List.of("ptm"), p.streams.list(m1));
    }

    @Test
    void theSlaveOpensOnlyOnceUnlockedAndWhileTheMasterIsOpen() {
        int m = pty.openpt();
        pty.grantpt(m);
        errno(Errno.EAGAIN, () -> pty.openpts("pts/0"));
        pty.unlockpt(m);
        int s = pty.openpts("/dev/pts/0");
        assertEquals(List.of("ldterm", "ptem", "pts"), p.streams.list(s));
        errno(Errno.EBUSY, () -> pty.openpts("pts/0"));
        p.streams.close(s);
        p.streams.close(m);
        errno(Errno.ENXIO, () -> pty.openpts("pts/0"));
    }

    @Test
    void closingTheMasterHangsTheSlaveUp() {
        Terminal t = new Terminal(p);
        t.type("typed\r");
        p.streams.close(t.master);
        assertEquals("typed\n", Terminal.text(p.streams.read(t.slave, 100)));
        assertEquals(0, p.streams.read(t.slave, 100).length, "end of file after the hangup");
        errno(Errno.ENXIO, () -> p.streams.write(t.slave, Terminal.b("x")));
        assertEquals("hungup", world.subsystem.ptys("p1").get(0).state());
        errno(Errno.EAGAIN, () -> pty.openpts("pts/0")); // the pair lives on while the slave is open
        p.streams.close(t.slave);
        assertEquals(List.of(), world.subsystem.ptys("p1"));
    }

    @Test
    void theSlavesLastCloseIsSeenByTheMaster() {
        Terminal t = new Terminal(p);
        t.output("bye\n");
        p.streams.close(t.slave);
        assertEquals("bye\r\n", Terminal.text(p.streams.read(t.master, 100)));
        assertEquals(0, p.streams.read(t.master, 100).length, "the master reads end of file");
        assertEquals("unlocked", world.subsystem.ptys("p1").get(0).state());
        int again = pty.openpts(t.name);
        assertEquals(List.of("ldterm", "ptem", "pts"), p.streams.list(again));
    }

    @Test
    void writesBeforeTheSlaveOpensWaitForIt() {
        int m = pty.openpt();
        pty.unlockpt(m);
        p.streams.write(m, Terminal.b("early\r"));
        int s = pty.openpts(pty.ptsname(m));
        // ldterm was pushed after the bytes went up the bare pts stream: they arrive unprocessed.
        assertEquals("early\r", Terminal.text(p.streams.read(s, 100)));
    }

    @Test
    void isigSignalsTheForegroundGroupOnly() {
        TestProcess other = world.process("p1", 11, node);
        assertEquals(10, pty.setsid());
        Terminal t = new Terminal(p);
        assertEquals(10, pty.tcgetpgrp(t.slave));
        other.pty.setpgid(0);
        errno(Errno.EPERM, () -> pty.tcsetpgrp(t.slave, 11)); // 11 is in init's session, not 10's
        t.type("\u0003");
        assertEquals(1 << Pty.SIGINT, pty.sigpending());
        assertEquals(0, pty.sigpending(), "taken");
        t.type("\u001c\u001a");
        assertEquals(1 << Pty.SIGQUIT | 1 << Pty.SIGTSTP, pty.sigpending());
        assertEquals(0, other.pty.sigpending());
        pty.winsize(t.slave, new WinSize(50, 132, 0, 0));
        assertEquals(1 << Pty.SIGWINCH, pty.sigpending());
        pty.winsize(t.slave, new WinSize(50, 132, 0, 0));
        assertEquals(0, pty.sigpending(), "no change, no SIGWINCH");
        assertEquals(new WinSize(50, 132, 0, 0), pty.winsize(t.slave));
    }

    @Test
    void theForegroundGroupMovesWithinTheSession() {
        TestProcess job = world.process("p1", 12, node);
        pty.setsid();
        Terminal t = new Terminal(p);
        // A job of the shell's session: same session, own group.
        world.subsystem.ptys.table("p1").groups.put(12, new int[] { 12, 10 });
        pty.tcsetpgrp(t.slave, 12);
        assertEquals(12, pty.tcgetpgrp(t.slave));
        t.type("\u0003");
        assertEquals(0, pty.sigpending());
        assertEquals(1 << Pty.SIGINT, job.pty.sigpending());
        errno(Errno.ENOTTY, () -> world.process("p1", 13, node).pty.tcgetpgrp(t.slave)); // not its session's terminal
    }

    @Test
    void tcsetattrFlushAndDrain() {
        Terminal t = new Terminal(p);
        t.type("pending\r");
        pty.tcsetattr(t.slave, Termios.TCSADRAIN, pty.tcgetattr(t.slave));
        assertEquals("pending\n", t.reads(), "TCSADRAIN keeps input");
        t.type("dropped\r");
        pty.tcsetattr(t.slave, Termios.TCSAFLUSH, pty.tcgetattr(t.slave));
        assertEquals("", t.reads(), "TCSAFLUSH drops unread input");
    }

    @Test
    void ixonStopsAndStartsOutput() {
        Terminal t = new Terminal(p);
        t.type("\u0013");
        t.output("held\n");
        assertEquals("", t.screen());
        PtyInfo info = world.subsystem.ptys("p1").get(0);
        assertTrue(info.toMaster() > 0, "the held output is queued: " + info);
        t.type("\u0011");
        assertEquals("held\r\n", t.screen());
    }

    @Test
    void packetModePrefixesAStatusByte() {
        Terminal t = new Terminal(p);
        pty.packet(t.master, true);
        t.output("a");
        t.output("b");
        assertArrayEquals(new byte[] { 0, 'a' }, p.streams.read(t.master, 100));
        assertArrayEquals(new byte[] { 0, 'b' }, p.streams.read(t.master, 100));
        pty.packet(t.master, false);
        t.output("c");
        assertArrayEquals(new byte[] { 'c' }, p.streams.read(t.master, 100));
    }

    static Stream<Arguments> errors() {
        return Stream.<Object[]>of(
                new Object[] { "grantpt on a pipe", Errno.EINVAL, (Consumer<Fixture>) f -> f.pty.grantpt(f.pipe) },
                new Object[] { "unlockpt on a slave", Errno.EINVAL, (Consumer<Fixture>) f -> f.pty.unlockpt(f.slave) },
                new Object[] { "ptsname on a pipe", Errno.ENOTTY, (Consumer<Fixture>) f -> f.pty.ptsname(f.pipe) },
                new Object[] { "ptsname on a closed descriptor", Errno.EBADF, (Consumer<Fixture>) f -> f.pty.ptsname(99) },
                new Object[] { "tcgetattr on the master", Errno.ENOTTY, (Consumer<Fixture>) f -> f.pty.tcgetattr(f.master) },
                new Object[] { "tcsetattr with a bad action", Errno.EINVAL,
                        (Consumer<Fixture>) f -> f.pty.tcsetattr(f.slave, 3, Termios.defaults()) },
                new Object[] { "tcsetattr without termios", Errno.EFAULT, (Consumer<Fixture>) f -> f.pty.tcsetattr(f.slave, 0, null) },
                new Object[] { "TIOCGWINSZ on a pipe", Errno.ENOTTY, (Consumer<Fixture>) f -> f.pty.winsize(f.pipe) },
                new Object[] { "TIOCPKT on the slave", Errno.ENOTTY, (Consumer<Fixture>) f -> f.pty.packet(f.slave, true) },
                new Object[] { "open of a name that is no slave", Errno.ENOENT, (Consumer<Fixture>) f -> f.pty.openpts("tty0") },
                new Object[] { "open of a pty that is not there", Errno.ENXIO, (Consumer<Fixture>) f -> f.pty.openpts("pts/7") },
                new Object[] { "open of a slave by its driver without a number", Errno.ENXIO,
                        (Consumer<Fixture>) f -> f.p.streams.open("pts", 2) },
                new Object[] { "open of ptm with a minor", Errno.ENXIO, (Consumer<Fixture>) f -> f.p.streams.open("ptm/3", 2) },
                new Object[] { "setpgid to a negative group", Errno.EINVAL, (Consumer<Fixture>) f -> f.pty.setpgid(-1) },
                new Object[] { "setpgid to a group that is not there", Errno.EPERM, (Consumer<Fixture>) f -> f.pty.setpgid(77) },
                new Object[] { "setsid by a group leader", Errno.EPERM, (Consumer<Fixture>) f -> {
                    f.pty.setpgid(0);
                    f.pty.setsid();
                } },
                new Object[] { "tcsetpgrp of group 0", Errno.EINVAL, (Consumer<Fixture>) f -> f.pty.tcsetpgrp(f.slave, 0) },
                new Object[] { "an unknown ioctl on the slave", Errno.ENOTTY,
                        (Consumer<Fixture>) f -> f.p.streams.ioctl(f.slave, 0x54ff, new byte[0]) })
                .map(Arguments::of);
    }

    record Fixture(TestProcess p, Pty pty, int master, int slave, int pipe) {
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("errors")
    void errorsAreLinuxs(String name, Errno expected, Consumer<Fixture> call) {
        Terminal t = new Terminal(p);
        Fixture f = new Fixture(p, pty, t.master, t.slave, p.streams.pipe()[0]);
        List<PtyInfo> before = world.subsystem.ptys("p1");
        errno(expected, () -> call.accept(f));
        assertEquals(before, world.subsystem.ptys("p1"), "nothing changed");
    }
}
