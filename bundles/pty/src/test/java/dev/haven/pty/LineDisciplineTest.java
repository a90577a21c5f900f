package dev.haven.pty;

import static dev.haven.api.pty.Termios.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.haven.api.pty.Termios;

/**
 * The line discipline, table-driven: each row sets the termios, types keys on the master, and expects what
 * the slave's reader gets (one read per entry, '|' between reads) and what the master's screen shows.
 * The expectations are Linux's n_tty (checked against a real pty with the same settings).
 */
class LineDisciplineTest {
    final TestProcess.Node node = new TestProcess.Node("node1", 800_000);
    final TestProcess.World world = new TestProcess.World();

    static Arguments row(String name, UnaryOperator<Termios> settings, String keys, String reads, String screen) {
        return Arguments.of(name, settings, keys, reads, screen);
    }

    static UnaryOperator<Termios> lflagOff(int flags) {
        return t -> t.withLflag(t.lflag() & ~flags);
    }

    static UnaryOperator<Termios> iflag(int on, int off) {
        return t -> t.withIflag((t.iflag() | on) & ~off);
    }

    static Stream<Arguments> rows() {
        UnaryOperator<Termios> defaults = t -> t;
        return Stream.of(
                row("a line, CR mapped to NL (ICRNL), echoed with ONLCR", defaults, "hello\r", "hello\n", "hello\r\n"),
                row("no read before the line ends", defaults, "half", "", "half"),
                row("ERASE with ECHOE rubs out", defaults, "abc\u007fd\r", "abd\n", "abc\b \bd\r\n"),
                row("ERASE on an empty line does nothing", defaults, "\u007f\r", "\n", "\r\n"),
                row("ERASE of a control character rubs out its ^X", defaults, "a\u0001\u007f\r", "a\n", "a^A\b \b\b \b\r\n"),
                row("KILL with ECHOKE rubs out the line", defaults, "abc\u0015xy\r", "xy\n", "abc\b \b\b \b\b \bxy\r\n"),
                row("KILL without ECHOKE echoes ^U and NL (ECHOK)", lflagOff(ECHOKE), "ab\u0015c\r", "c\n", "ab^U\r\nc\r\n"),
                row("KILL without ECHOK or ECHOKE echoes ^U", lflagOff(ECHOKE | ECHOK), "ab\u0015c\r", "c\n", "ab^Uc\r\n"),
                row("WERASE erases a word and the blanks after it", defaults, "one two \u0017three\r", "one three\n",
                        "one two \b \b\b \b\b \b\b \bthree\r\n"),
                row("EOF ends a line without itself", defaults, "ab\u0004", "ab", "ab"),
                row("EOF on an empty line reads end of file", defaults, "\u0004", "<eof>", ""),
                row("lines are read one at a time", defaults, "a\rb\r", "a\n|b\n", "a\r\nb\r\n"),
                row("ECHOCTL shows control characters as ^X", defaults, "a\u0001b\r", "a\u0001b\n", "a^Ab\r\n"),
                row("without ECHOCTL control characters echo as they are", lflagOff(ECHOCTL), "a\u0001b\r", "a\u0001b\n", "a\u0001b\r\n"),
                row("without ECHO nothing is echoed", lflagOff(ECHO), "secret\r", "secret\n", ""),
                row("ECHONL echoes NL without ECHO", t -> t.withLflag((t.lflag() & ~ECHO) | ECHONL), "pw\r", "pw\n", "\r\n"),
                row("without ECHOE, ERASE echoes as ^?", lflagOff(ECHOE), "ab\u007f\r", "a\n", "ab^?\r\n"),
                row("without ICRNL, CR is an ordinary character", iflag(0, ICRNL), "ab\r\n", "ab\r\n", "ab^M\r\n"),
                row("IGNCR drops CR", iflag(IGNCR, 0), "ab\r\n", "ab\n", "ab\r\n"),
                row("INLCR maps NL to CR, which ICRNL does not map back", iflag(INLCR, 0), "ab\n\r", "ab\r\n", "ab^M\r\n"),
                row("INTR echoes ^C and drops the line", defaults, "abc\u0003d\r", "d\n", "abc^Cd\r\n"),
                row("QUIT echoes ^\\", defaults, "x\u001c\r", "\n", "x^\\\r\n"),
                row("NOFLSH keeps the line across INTR", t -> t.withLflag(t.lflag() | NOFLSH), "ab\u0003c\r", "abc\n", "ab^Cc\r\n"),
                row("without ISIG, INTR is an ordinary character", lflagOff(ISIG), "\u0003\r", "\u0003\n", "^C\r\n"),
                row("EOL ends a line with itself", t -> t.withCc(VEOL, '!'), "ab!", "ab!", "ab!"),
                row("raw mode: every byte goes up at once, no echo, no mapping", Termios::raw, "ab\r\u0003", "ab\r\u0003", ""),
                row("raw mode waits for VMIN bytes", t -> t.raw().withCc(VMIN, 3), "ab", "", ""),
                row("raw mode with VMIN 3 reads them together", t -> t.raw().withCc(VMIN, 3), "abcd", "abcd", ""),
                row("non-canonical with ECHO echoes each byte", t -> t.withLflag(t.lflag() & ~ICANON), "ab\u007f", "ab\u007f", "ab^?"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void input(String name, UnaryOperator<Termios> settings, String keys, String reads, String screen) {
        Terminal t = new Terminal(world.process("p1", 10, node));
        t.process.pty.tcsetattr(t.slave, TCSANOW, settings.apply(t.process.pty.tcgetattr(t.slave)));
        t.type(keys);
        assertEquals(screen, t.screen(), "echo");
        assertEquals(reads, t.reads(), "reads");
    }

    static Stream<Arguments> output() {
        return Stream.of(
                Arguments.of("OPOST with ONLCR maps NL to CR NL", (UnaryOperator<Termios>) t -> t, "a\nb\n", "a\r\nb\r\n"),
                Arguments.of("without OPOST output is as written", (UnaryOperator<Termios>) t -> t.withOflag(0), "a\nb\n", "a\nb\n"),
                Arguments.of("OCRNL maps CR to NL", (UnaryOperator<Termios>) t -> t.withOflag(OPOST | OCRNL), "a\rb", "a\nb"),
                Arguments.of("raw mode writes as written", (UnaryOperator<Termios>) Termios::raw, "a\n", "a\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("output")
    void output(String name, UnaryOperator<Termios> settings, String written, String screen) {
        Terminal t = new Terminal(world.process("p1", 10, node));
        t.process.pty.tcsetattr(t.slave, TCSANOW, settings.apply(t.process.pty.tcgetattr(t.slave)));
        t.output(written);
        assertEquals(screen, t.screen());
    }
}
