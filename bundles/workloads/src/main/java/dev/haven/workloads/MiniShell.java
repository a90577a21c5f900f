package dev.haven.workloads;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.osgi.service.component.annotations.Component;

import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.PartitionKernel;
import dev.haven.api.pty.Pty;
import dev.haven.api.streams.Streams;
import dev.haven.api.workload.ProcessContext;
import dev.haven.api.workload.Workload;

/**
 * Serves the partition's console: opens a pty, makes its master the console and relays the operator's
 * keystrokes to it and its output back, and runs a shell on the slave — a prompt, line editing from ldterm,
 * the built-ins {@code echo}, {@code ps} (this process), {@code sleep SECONDS} (interrupted by ^C) and
 * {@code exit [STATUS]}. ^D on an empty line exits too. The pty's descriptors are kept in the saved state,
 * so after a restart the shell goes on with the same pty, its half-typed line included.
 */
@Component
public final class MiniShell implements Workload {
    static final String MASTER = "master";
    static final String SLAVE = "slave";
    private static final Duration POLL = Duration.ofMillis(20);
    private static final byte[] PROMPT = "$ ".getBytes(StandardCharsets.US_ASCII);

    @Override
    public String name() {
        return "mini-shell";
    }

    @Override
    public String description() {
        return "serves the partition's console pty: prompt, ldterm line editing, echo, ps, sleep (^C), exit";
    }

    /** The process's pty and its relay. */
    private static final class Console {
        final PartitionKernel kernel;
        final Pty pty;
        final Streams streams;
        final int master;
        final int slave;

        Console(ProcessContext context) {
            kernel = context.kernel();
            pty = kernel.extension(Pty.class);
            streams = kernel.extension(Streams.class);
            if (context.resumed() && context.state().getLong(MASTER, -1) >= 0) {
                master = (int) context.state().getLong(MASTER, -1);
                slave = (int) context.state().getLong(SLAVE, -1);
                return;
            }
            pty.setsid();
            master = pty.openpt();
            pty.grantpt(master);
            pty.unlockpt(master);
            slave = pty.openpts(pty.ptsname(master));
            pty.console(master);
            context.state().putLong(MASTER, master);
            context.state().putLong(SLAVE, slave);
            streams.write(slave, PROMPT);
        }

        /** Moves the operator's keystrokes to the master and the master's output to the operator. */
        void relay() {
            byte[] keys = pty.consoleInput();
            if (keys.length > 0) {
                streams.write(master, keys);
            }
            while (streams.nread(master)[0] > 0) {
                byte[] shown = streams.read(master, 4096);
                if (shown.length == 0) {
                    break;
                }
                pty.consoleOutput(shown);
            }
        }

        void print(String text) {
            streams.write(slave, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public int run(ProcessContext context) {
        if (!context.args().isEmpty()) {
            throw new KernelException(Errno.E2BIG, "mini-shell takes no arguments, got " + context.args());
        }
        Console c = new Console(context);
        while (true) {
            c.relay();
            if (c.streams.nread(c.slave)[0] == 0) {
                c.kernel.sleep(POLL);
                continue;
            }
            byte[] line = c.streams.read(c.slave, 4096);
            if (line.length == 0) {
                c.print("exit\n");
                c.relay();
                return 0;
            }
            List<String> words = Arrays.stream(new String(line, StandardCharsets.UTF_8).trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
            c.pty.sigpending(); // a ^C typed at the prompt only dropped the line
            Integer exit = words.isEmpty() ? null : run(c, words);
            if (exit != null) {
                c.relay();
                return exit;
            }
            c.streams.write(c.slave, PROMPT);
        }
    }

    /** Runs one command; the exit status if it was {@code exit}. */
    private static Integer run(Console c, List<String> words) {
        List<String> args = words.subList(1, words.size());
        switch (words.get(0)) {
            case "echo" -> c.print(String.join(" ", args) + "\n");
            case "ps" -> c.print("  PID  PGID TTY\n" + String.format("%5d %5d %s%n", c.kernel.getpid(), c.pty.getpgrp(), c.pty.ptsname(c.master)));
            case "sleep" -> {
                long seconds;
                try {
                    seconds = args.size() == 1 ? Long.parseLong(args.get(0)) : -1;
                } catch (NumberFormatException e) {
                    seconds = -1;
                }
                if (seconds < 0) {
                    c.print("sleep: usage: sleep SECONDS\n");
                    return null;
                }
                long end = System.nanoTime() + seconds * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    c.relay();
                    if ((c.pty.sigpending() & (1 << Pty.SIGINT)) != 0) {
                        c.print("\n");
                        return null;
                    }
                    c.kernel.sleep(POLL);
                }
            }
            case "exit" -> {
                try {
                    int status = args.isEmpty() ? 0 : Integer.parseInt(args.get(0));
                    if (status >= 0 && status <= 255) {
                        return status;
                    }
                } catch (NumberFormatException e) {
                    // falls through to the usage
                }
                c.print("exit: usage: exit [0-255]\n");
            }
            default -> c.print(words.get(0) + ": command not found (built-ins: echo, ps, sleep, exit)\n");
        }
        return null;
    }
}
