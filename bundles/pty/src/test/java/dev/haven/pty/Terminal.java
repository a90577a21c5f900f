package dev.haven.pty;

import java.nio.charset.StandardCharsets;

import dev.haven.api.streams.Streams;

/** A pty opened as a terminal emulator opens one: master, grantpt, unlockpt, slave with ptem and ldterm. */
final class Terminal {
    final TestProcess process;
    final int master;
    final int slave;
    final String name;

    Terminal(TestProcess process) {
        this.process = process;
        master = process.pty.openpt();
        process.pty.grantpt(master);
        process.pty.unlockpt(master);
        name = process.pty.ptsname(master);
        slave = process.pty.openpts(name);
    }

    static byte[] b(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Types on the keyboard: writes to the master. */
    void type(String keys) {
        process.streams.write(master, b(keys));
    }

    /** What the screen shows: everything queued for the master's reader, without waiting. */
    String screen() {
        StringBuilder out = new StringBuilder();
        while (process.streams.nread(master)[0] > 0) {
            byte[] got = process.streams.read(master, 4096);
            if (got.length == 0) {
                break;
            }
            out.append(text(got));
        }
        return out.toString();
    }

    /** Everything readable on the slave now, one read per message (a line in canonical mode), joined with '|'. */
    String reads() {
        StringBuilder out = new StringBuilder();
        while (process.streams.nread(slave)[0] > 0) {
            if (out.length() > 0) {
                out.append('|');
            }
            byte[] got = process.streams.read(slave, 4096);
            out.append(got.length == 0 ? "<eof>" : text(got));
        }
        return out.toString();
    }

    void output(String text) {
        process.streams.write(slave, b(text));
    }
}
