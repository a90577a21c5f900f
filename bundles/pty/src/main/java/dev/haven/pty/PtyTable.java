package dev.haven.pty;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;

/**
 * One partition's ptys by virtual number, and its processes' groups, sessions and pending signals. Driver
 * and module procedures reach it under the partition's STREAMS perimeter, system calls without it: every
 * method is synchronized and none calls back into STREAMS, so the perimeter is always taken first.
 */
final class PtyTable {
    /** Processes that never called setsid/setpgid are in init's session and group. */
    static final int INIT = 1;

    final String partition;
    /** The node the table's instance runs on, or null while only drivers have touched it. */
    String node;
    final TreeMap<Integer, PtyPair> pairs = new TreeMap<>();
    /** pid to {pgid, sid}. */
    final Map<Integer, int[]> groups = new HashMap<>();
    /** The line disciplines and terminal emulations by the stream they are pushed on, for signals and pty:list. */
    final Map<Integer, LdtermModule.Ldterm> ldterms = new HashMap<>();
    final Map<Integer, PtemModule.Ptem> ptems = new HashMap<>();
    /** The console's pty number (-1: none), the operator's keystrokes not yet relayed, and what the console showed. */
    int console = -1;
    final java.io.ByteArrayOutputStream keys = new java.io.ByteArrayOutputStream();
    byte[] screen = new byte[0];
    /** Set by the pty section's checkpoint, cleared by the partition's next pty call: keystrokes are refused meanwhile. */
    boolean checkpointing;
    /** pid to pending signal mask. */
    final Map<Integer, Integer> pending = new HashMap<>();

    PtyTable(String partition, String node) {
        this.partition = partition;
        this.node = node;
    }

    /** A new pair with the lowest free number, locked, as a clone open of ptmx makes it. */
    synchronized PtyPair allocate(int max) {
        int number = 0;
        while (pairs.containsKey(number)) {
            number++;
        }
        if (number >= max) {
            throw new KernelException(Errno.EAGAIN, "open(ptm): the partition has " + pairs.size() + " ptys, its limit pty.max is " + max);
        }
        PtyPair pair = new PtyPair(number);
        pairs.put(number, pair);
        return pair;
    }

    synchronized PtyPair pair(int number) {
        return pairs.get(number);
    }

    /** The pair whose slave is the stream {@code stream}, or null. */
    synchronized PtyPair bySlaveStream(int stream) {
        for (PtyPair pair : pairs.values()) {
            if (pair.slave != null && pair.slave.rq.stream() == stream) {
                return pair;
            }
        }
        return null;
    }

    /** Drops a pair whose both ends are closed. */
    synchronized void release(PtyPair pair) {
        if (pair.master == null && pair.slave == null) {
            pairs.remove(pair.number, pair);
        }
    }

    /** The pair of a restored master or slave, made if the other end has not come back yet. */
    synchronized PtyPair restored(int number) {
        return pairs.computeIfAbsent(number, PtyPair::new);
    }

    /** Signals the foreground group of the pty whose slave is {@code stream}, if that stream is a pty slave. */
    synchronized void signalForeground(int stream, int signal) {
        PtyPair pair = bySlaveStream(stream);
        if (pair != null) {
            signal(pair.foreground, signal);
        }
    }

    synchronized int pgid(int pid) {
        int[] g = groups.get(pid);
        return g == null ? INIT : g[0];
    }

    synchronized int sid(int pid) {
        int[] g = groups.get(pid);
        return g == null ? INIT : g[1];
    }

    /** Records {@code signal} as pending for every process of group {@code pgid}. */
    synchronized void signal(int pgid, int signal) {
        if (pgid == 0) {
            return;
        }
        int bit = 1 << signal;
        groups.forEach((pid, g) -> {
            if (g[0] == pgid) {
                pending.merge(pid, bit, (a, b) -> a | b);
            }
        });
        if (pgid == INIT) {
            pending.merge(INIT, bit, (a, b) -> a | b);
        }
    }

    static final int SCREEN_MAX = 64 * 1024;

    synchronized void show(byte[] bytes) {
        byte[] joined = new byte[Math.min(SCREEN_MAX, screen.length + bytes.length)];
        int fromOld = joined.length - Math.min(bytes.length, joined.length);
        System.arraycopy(screen, screen.length - fromOld, joined, 0, fromOld);
        System.arraycopy(bytes, bytes.length - (joined.length - fromOld), joined, fromOld, joined.length - fromOld);
        screen = joined;
    }

    synchronized int takeSignals(int pid) {
        Integer mask = pending.remove(pid);
        return mask == null ? 0 : mask;
    }
}
