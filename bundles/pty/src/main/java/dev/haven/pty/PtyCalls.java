package dev.haven.pty;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.kernel.SystemCalls;
import dev.haven.api.pty.Pty;
import dev.haven.api.pty.Termios;
import dev.haven.api.pty.WinSize;
import dev.haven.api.streams.StrIoctl;
import dev.haven.api.streams.Streams;

/** {@link Pty} bound to one process: pty calls are STREAMS ioctls on the master or the slave, plus the partition's groups and signals. */
final class PtyCalls implements Pty {
    private static final Pattern SLAVE = Pattern.compile("(?:/dev/)?pts/(\\d{1,9})");

    private final SystemCalls caller;
    private final Streams streams;
    private final Ptys ptys;

    PtyCalls(SystemCalls caller, Streams streams, Ptys ptys) {
        this.caller = caller;
        this.streams = streams;
        this.ptys = ptys;
    }

    /** The partition's table; a call of the partition's means it runs again after a checkpoint. */
    private PtyTable table() {
        PtyTable table = ptys.table(caller.partition(), caller.node().node());
        synchronized (table) {
            table.checkpointing = false;
        }
        return table;
    }

    private byte[] str(int fd, int cmd, byte[] data) {
        return streams.str(fd, new StrIoctl(cmd, data)).data();
    }

    /** The stream is a pty master, else {@code errno} as Linux gives for the call. */
    private void requireMaster(int fd, String call, Errno errno) {
        List<String> stack = streams.list(fd);
        if (!stack.get(stack.size() - 1).equals(PtmDriver.INFO.name())) {
            throw new KernelException(errno, call + ": descriptor " + fd + " is not a pty master (its stream is " + stack + ")");
        }
    }

    /** The stream has the module (a terminal), else ENOTTY. */
    private void requireTty(int fd, String call, String module) {
        if (!streams.find(fd, module)) {
            throw new KernelException(Errno.ENOTTY, call + ": descriptor " + fd + " is not a terminal (its stream is " + streams.list(fd)
                    + ", without " + module + ")");
        }
    }

    @Override
    public int openpt() {
        return caller.call("posix_openpt", () -> streams.open(PtmDriver.INFO.name(), Streams.O_RDWR));
    }

    @Override
    public void grantpt(int masterFd) {
        caller.call("grantpt", () -> {
            requireMaster(masterFd, "grantpt", Errno.EINVAL);
            return str(masterFd, Ioctls.OWNERPT, new byte[0]);
        });
    }

    @Override
    public void unlockpt(int masterFd) {
        caller.call("unlockpt", () -> {
            requireMaster(masterFd, "unlockpt", Errno.EINVAL);
            return str(masterFd, Ioctls.TIOCSPTLCK, Ioctls.integer(0));
        });
    }

    @Override
    public String ptsname(int masterFd) {
        return caller.call("ptsname", () -> {
            requireMaster(masterFd, "ptsname", Errno.ENOTTY);
            return "pts/" + Ioctls.integer(str(masterFd, Ioctls.TIOCGPTN, new byte[0]));
        });
    }

    @Override
    public int openpts(String name) {
        return caller.call("open(pts)", () -> {
            if (name == null) {
                throw new KernelException(Errno.EFAULT, "open: no slave name");
            }
            Matcher m = SLAVE.matcher(name);
            if (!m.matches()) {
                throw new KernelException(Errno.ENOENT, "open: '" + name + "' is not a pty slave name (pts/N)");
            }
            int number = Integer.parseInt(m.group(1));
            int fd = streams.open("pts/" + number, Streams.O_RDWR);
            try {
                streams.push(fd, PtemModule.INFO.name());
                streams.push(fd, LdtermModule.INFO.name());
            } catch (RuntimeException failed) {
                streams.close(fd);
                throw failed;
            }
            PtyTable table = table();
            synchronized (table) {
                PtyPair pair = table.pairs.get(number);
                if (pair != null && pair.session == 0) {
                    // The slave becomes the controlling terminal of the opener's session.
                    pair.session = table.sid(caller.pid());
                    pair.foreground = table.pgid(caller.pid());
                }
            }
            return fd;
        });
    }

    @Override
    public Termios tcgetattr(int fd) {
        return caller.call("tcgetattr", () -> {
            requireTty(fd, "tcgetattr", LdtermModule.INFO.name());
            return Ioctls.termios(str(fd, Ioctls.TCGETS, new byte[0]));
        });
    }

    @Override
    public void tcsetattr(int fd, int when, Termios termios) {
        caller.call("tcsetattr", () -> {
            if (when != Termios.TCSANOW && when != Termios.TCSADRAIN && when != Termios.TCSAFLUSH) {
                throw new KernelException(Errno.EINVAL, "tcsetattr: " + when + " is not TCSANOW, TCSADRAIN or TCSAFLUSH");
            }
            if (termios == null) {
                throw new KernelException(Errno.EFAULT, "tcsetattr: no termios");
            }
            requireTty(fd, "tcsetattr", LdtermModule.INFO.name());
            return str(fd, Ioctls.TCSETS + when, Ioctls.termios(termios));
        });
    }

    @Override
    public WinSize winsize(int fd) {
        return caller.call("ioctl(TIOCGWINSZ)", () -> {
            requireTty(fd, "TIOCGWINSZ", PtemModule.INFO.name());
            return Ioctls.winsize(str(fd, Ioctls.TIOCGWINSZ, new byte[0]));
        });
    }

    @Override
    public void winsize(int fd, WinSize size) {
        caller.call("ioctl(TIOCSWINSZ)", () -> {
            if (size == null) {
                throw new KernelException(Errno.EFAULT, "TIOCSWINSZ: no winsize");
            }
            requireTty(fd, "TIOCSWINSZ", PtemModule.INFO.name());
            return str(fd, Ioctls.TIOCSWINSZ, Ioctls.winsize(size));
        });
    }

    @Override
    public void packet(int masterFd, boolean on) {
        caller.call("ioctl(TIOCPKT)", () -> {
            requireMaster(masterFd, "TIOCPKT", Errno.ENOTTY);
            return str(masterFd, Ioctls.TIOCPKT, Ioctls.integer(on ? 1 : 0));
        });
    }

    @Override
    public int setsid() {
        return caller.call("setsid", () -> {
            PtyTable table = table();
            int pid = caller.pid();
            synchronized (table) {
                if (table.groups.values().stream().anyMatch(g -> g[0] == pid)) {
                    throw new KernelException(Errno.EPERM, "setsid: process " + pid + " already leads a process group");
                }
                table.groups.put(pid, new int[] { pid, pid });
            }
            return pid;
        });
    }

    @Override
    public void setpgid(int pgid) {
        caller.call("setpgid", () -> {
            if (pgid < 0) {
                throw new KernelException(Errno.EINVAL, "setpgid: process group " + pgid + " is negative");
            }
            PtyTable table = table();
            int pid = caller.pid();
            int group = pgid == 0 ? pid : pgid;
            synchronized (table) {
                int sid = table.sid(pid);
                if (sid == pid) {
                    throw new KernelException(Errno.EPERM, "setpgid: process " + pid + " leads its session");
                }
                boolean exists = group == PtyTable.INIT && sid == PtyTable.INIT
                        || table.groups.values().stream().anyMatch(g -> g[0] == group && g[1] == sid);
                if (group != pid && !exists) {
                    throw new KernelException(Errno.EPERM, "setpgid: there is no process group " + group + " in session " + sid);
                }
                table.groups.put(pid, new int[] { group, sid });
            }
            return null;
        });
    }

    @Override
    public int getpgrp() {
        return caller.call("getpgrp", () -> table().pgid(caller.pid()));
    }

    /** The slave's pty number; asked before the table is locked, since STREAMS calls take the perimeter first. */
    private int number(int fd, String call) {
        requireTty(fd, call, LdtermModule.INFO.name());
        return Ioctls.integer(str(fd, Ioctls.PTSNUM, new byte[0]));
    }

    private PtyPair controlling(PtyTable table, int number, String call) {
        PtyPair pair = table.pairs.get(number);
        if (pair == null || pair.session != table.sid(caller.pid())) {
            throw new KernelException(Errno.ENOTTY, call + ": pts/" + number + " is not the controlling terminal of session "
                    + table.sid(caller.pid()));
        }
        return pair;
    }

    @Override
    public void tcsetpgrp(int fd, int pgid) {
        caller.call("tcsetpgrp", () -> {
            if (pgid <= 0) {
                throw new KernelException(Errno.EINVAL, "tcsetpgrp: process group " + pgid + " is not positive");
            }
            int number = number(fd, "tcsetpgrp");
            PtyTable table = table();
            synchronized (table) {
                PtyPair pair = controlling(table, number, "tcsetpgrp");
                int sid = pair.session;
                boolean exists = pgid == PtyTable.INIT && sid == PtyTable.INIT
                        || table.groups.values().stream().anyMatch(g -> g[0] == pgid && g[1] == sid);
                if (!exists) {
                    throw new KernelException(Errno.EPERM, "tcsetpgrp: there is no process group " + pgid + " in session " + sid);
                }
                pair.foreground = pgid;
            }
            return null;
        });
    }

    @Override
    public int tcgetpgrp(int fd) {
        return caller.call("tcgetpgrp", () -> {
            int number = number(fd, "tcgetpgrp");
            PtyTable table = table();
            synchronized (table) {
                return controlling(table, number, "tcgetpgrp").foreground;
            }
        });
    }

    @Override
    public int sigpending() {
        return caller.call("sigpending", () -> table().takeSignals(caller.pid()));
    }

    @Override
    public void console(int masterFd) {
        caller.call("console", () -> {
            requireMaster(masterFd, "console", Errno.ENOTTY);
            int number = Ioctls.integer(str(masterFd, Ioctls.TIOCGPTN, new byte[0]));
            PtyTable table = table();
            synchronized (table) {
                table.console = number;
            }
            return null;
        });
    }

    @Override
    public byte[] consoleInput() {
        return caller.call("console input", () -> {
            PtyTable table = table();
            synchronized (table) {
                byte[] keys = table.keys.toByteArray();
                table.keys.reset();
                return keys;
            }
        });
    }

    @Override
    public void consoleOutput(byte[] bytes) {
        caller.call("console output", () -> {
            if (bytes == null) {
                throw new KernelException(Errno.EFAULT, "console output: no bytes");
            }
            table().show(bytes);
            return null;
        });
    }
}
