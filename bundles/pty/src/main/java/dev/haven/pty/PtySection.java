package dev.haven.pty;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.haven.api.checkpoint.ImageException;

/**
 * The {@code pty} checkpoint section, version 1 (big-endian):
 *
 * <pre>
 * int processes; each: int pid, int pgid, int sid, int pendingSignals
 * int ptys;      each: int number, byte flags (1 locked, 2 packet), int session, int foreground,
 *                      int masterStream (-1: closed), int slaveStream (-1: closed)
 * int console (-1: none); int length, bytes: keystrokes not yet relayed; int length, bytes: screen not yet read
 * </pre>
 *
 * The termios, the half-typed line, the window size and the unread data in both directions travel in the
 * {@code streams} section, as the state of ldterm and ptem and as the queues' messages; the ptm and pts
 * drivers' state there is the pty number, by which each end finds its pair again. Entries are applied by
 * number, so neither the order of the entries nor the order the streams section restored the ends in
 * matters: a slave that comes back before its master waits in the pair for it.
 */
final class PtySection {
    static final int VERSION = 1;
    private static final int LOCKED = 1;
    private static final int PACKET = 2;

    record Process(int pid, int pgid, int sid, int pending) {
    }

    record Entry(int number, boolean locked, boolean packet, int session, int foreground, int masterStream, int slaveStream) {
    }

    private PtySection() {
    }

    record Console(int number, byte[] keys, byte[] screen) {
    }

    static Console console(PtyTable table) {
        synchronized (table) {
            return new Console(table.console, table.keys.toByteArray(), table.screen.clone());
        }
    }

    static void write(DataOutput out, Console console) throws IOException {
        out.writeInt(console.number());
        out.writeInt(console.keys().length);
        out.write(console.keys());
        out.writeInt(console.screen().length);
        out.write(console.screen());
    }

    static Console readConsole(DataInput in, long remaining) throws IOException {
        int number = in.readInt();
        byte[] keys = bytes(in, remaining - 4, "console keystrokes");
        byte[] screen = bytes(in, remaining - 8 - keys.length, "console screen");
        return new Console(number, keys, screen);
    }

    private static byte[] bytes(DataInput in, long remaining, String what) throws IOException {
        int n = count(in, remaining, 1, what);
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    static void apply(PtyTable table, Console console) throws ImageException {
        synchronized (table) {
            if (console.number() != -1 && !table.pairs.containsKey(console.number())) {
                throw corrupt("the console is pty " + console.number() + ", which is not restored");
            }
            table.console = console.number();
            table.keys.reset();
            table.keys.writeBytes(console.keys());
            table.screen = console.screen();
        }
    }

    static List<Process> processes(PtyTable table) {
        synchronized (table) {
            List<Process> out = new ArrayList<>();
            Set<Integer> pids = new HashSet<>(table.groups.keySet());
            pids.addAll(table.pending.keySet());
            pids.stream().sorted().forEach(pid -> out.add(new Process(pid, table.pgid(pid), table.sid(pid), table.pending.getOrDefault(pid, 0))));
            return out;
        }
    }

    static List<Entry> entries(PtyTable table) {
        synchronized (table) {
            return table.pairs.values().stream().map(p -> new Entry(p.number, p.locked, p.packet, p.session, p.foreground,
                    p.master == null ? -1 : p.master.rq.stream(), p.slave == null ? -1 : p.slave.rq.stream())).toList();
        }
    }

    static void write(DataOutput out, List<Process> processes, List<Entry> entries) throws IOException {
        out.writeInt(processes.size());
        for (Process p : processes) {
            out.writeInt(p.pid());
            out.writeInt(p.pgid());
            out.writeInt(p.sid());
            out.writeInt(p.pending());
        }
        out.writeInt(entries.size());
        for (Entry e : entries) {
            out.writeInt(e.number());
            out.writeByte((e.locked() ? LOCKED : 0) | (e.packet() ? PACKET : 0));
            out.writeInt(e.session());
            out.writeInt(e.foreground());
            out.writeInt(e.masterStream());
            out.writeInt(e.slaveStream());
        }
    }

    static List<Process> readProcesses(DataInput in, long remaining) throws IOException {
        int n = count(in, remaining, 16, "processes");
        List<Process> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Process(in.readInt(), in.readInt(), in.readInt(), in.readInt()));
        }
        return out;
    }

    static List<Entry> readEntries(DataInput in, long remaining) throws IOException {
        int n = count(in, remaining, 21, "ptys");
        List<Entry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int number = in.readInt();
            int flags = in.readByte();
            out.add(new Entry(number, (flags & LOCKED) != 0, (flags & PACKET) != 0, in.readInt(), in.readInt(), in.readInt(), in.readInt()));
        }
        return out;
    }

    private static int count(DataInput in, long remaining, int size, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || (long) n * size > remaining - 4) {
            throw corrupt("" + n + " " + what + " do not fit the " + remaining + " bytes left");
        }
        return n;
    }

    /**
     * Applies the entries to the table the streams section's drivers attached their ends to, in whatever order
     * they come, and checks that every pair is whole: each end an entry names came back on that stream, and
     * no end came back that no entry names.
     */
    static void apply(PtyTable table, List<Process> processes, List<Entry> entries) throws ImageException {
        synchronized (table) {
            Set<Integer> seen = new HashSet<>();
            for (Entry e : entries) {
                if (e.number() < 0 || !seen.add(e.number())) {
                    throw corrupt("pty " + e.number() + " is invalid or appears twice");
                }
                PtyPair pair = table.pairs.get(e.number());
                check(e.number(), "master", e.masterStream(), pair == null || pair.master == null ? -1 : pair.master.rq.stream());
                check(e.number(), "slave", e.slaveStream(), pair == null || pair.slave == null ? -1 : pair.slave.rq.stream());
                if (pair == null) {
                    throw corrupt("pty " + e.number() + " has neither end open");
                }
                pair.locked = e.locked();
                pair.packet = e.packet();
                pair.session = e.session();
                pair.foreground = e.foreground();
            }
            for (Integer number : table.pairs.keySet()) {
                if (!seen.contains(number)) {
                    throw corrupt("the streams section restored an end of pty " + number + ", which is not listed");
                }
            }
            for (Process p : processes) {
                if (p.pgid() != PtyTable.INIT || p.sid() != PtyTable.INIT) {
                    table.groups.put(p.pid(), new int[] { p.pgid(), p.sid() });
                }
                if (p.pending() != 0) {
                    table.pending.put(p.pid(), p.pending());
                }
            }
        }
    }

    private static ImageException corrupt(String message) {
        return new ImageException(ImageException.Reason.CORRUPT, "section 'pty': " + message);
    }

    private static void check(int number, String end, int expected, int restored) throws ImageException {
        if (expected != restored) {
            throw corrupt("pty " + number + "'s " + end + " was "
                    + (expected < 0 ? "closed" : "stream " + expected) + " but the streams section restored "
                    + (restored < 0 ? "none" : "stream " + restored));
        }
    }
}
