package dev.haven.pty;

import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import dev.haven.api.kernel.Errno;
import dev.haven.api.pty.Pty;
import dev.haven.api.pty.Termios;
import dev.haven.api.streams.MessageBlock;
import dev.haven.api.streams.MessageType;
import dev.haven.api.streams.ModuleInfo;
import dev.haven.api.streams.OpenInfo;
import dev.haven.api.streams.Queue;
import dev.haven.api.streams.StrOptions;
import dev.haven.api.streams.StreamHandler;
import dev.haven.api.streams.StreamModule;
import dev.haven.api.streams.Streams;

import static dev.haven.api.pty.Termios.*;

/**
 * {@code ldterm}: the line discipline, as Linux's n_tty behaves. Input (read side): ISTRIP, IGNCR, ICRNL,
 * INLCR; ISIG characters record SIGINT, SIGQUIT or SIGTSTP for the foreground process group and flush
 * (unless NOFLSH); IXON's STOP and START hold and release output; in canonical mode ERASE, WERASE, KILL and
 * EOF edit the line, and a line goes up whole when NL, EOL or EOF ends it (the stream head reads one message
 * per read, RMSGN); in raw mode bytes go up once VMIN of them are there. Echo follows ECHO, ECHOE, ECHOK,
 * ECHOKE, ECHONL and ECHOCTL. Output (write side): OPOST with ONLCR and OCRNL. Ioctls TCGETS, TCSETS,
 * TCSETSW (after queued output), TCSETSF (and drops unread input). VTIME is kept but not timed: a raw read
 * waits for VMIN bytes (VMIN 0 takes what arrives). State: the termios, the half-typed line, raw bytes not
 * yet sent up, and whether output is stopped.
 */
final class LdtermModule implements StreamModule {
    static final ModuleInfo INFO = new ModuleInfo(0x7d2, "ldterm", 0, ModuleInfo.INFPSZ, 4096, 512);
    /** A line longer than this (Linux's N_TTY_BUF_SIZE) takes no more characters until it ends. */
    static final int MAX_CANON = 4095;

    private final Ptys ptys;

    LdtermModule(Ptys ptys) {
        this.ptys = ptys;
    }

    @Override
    public ModuleInfo info() {
        return INFO;
    }

    @Override
    public String description() {
        return "line discipline: termios, canonical editing, echo, ISIG signals, IXON, OPOST/ONLCR";
    }

    @Override
    public StreamHandler create() {
        return new Ldterm(ptys);
    }

    static final class Ldterm implements StreamHandler {
        private final Ptys ptys;
        PtyTable table;
        volatile Termios termios = Termios.defaults();
        /** The line being typed (canonical) or the bytes not yet sent up (raw). */
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        volatile boolean stopped;
        Queue rq;

        Ldterm(Ptys ptys) {
            this.ptys = ptys;
        }

        @Override
        public void open(Queue read, OpenInfo info) {
            attach(ptys.table(info.partition()), read);
            readMode();
        }

        private void attach(PtyTable t, Queue read) {
            table = t;
            rq = read;
            synchronized (t) {
                t.ldterms.put(read.stream(), this);
            }
        }

        @Override
        public void close(Queue read) {
            synchronized (table) {
                table.ldterms.remove(read.stream(), this);
            }
        }

        /** Canonical mode reads one line per read; raw mode reads what is there. */
        private void readMode() {
            int mode = (termios.lflag() & ICANON) != 0 ? Streams.RMSGN : Streams.RNORM;
            rq.putnext(new StrOptions(StrOptions.SO_READOPT, mode, 0, 0, 0, 0).toMessage());
        }

        int pending() {
            return line.size();
        }

        // ---- input

        @Override
        public void put(Queue q, MessageBlock message) {
            if (!q.readSide()) {
                write(q, message);
                return;
            }
            switch (message.type()) {
                case M_DATA -> {
                    for (MessageBlock b = message; b != null; b = b.cont()) {
                        for (int i = b.readOffset(); i < b.writeOffset(); i++) {
                            input(b.buffer()[i] & 0xff);
                        }
                    }
                    rawUp();
                }
                case M_FLUSH -> {
                    if ((message.get(0) & Streams.FLUSHR) != 0) {
                        line.reset();
                    }
                    StreamHandler.super.put(q, message);
                }
                default -> StreamHandler.super.put(q, message);
            }
        }

        private boolean is(int c, int index) {
            int v = termios.cc(index);
            return v != 0 && c == v;
        }

        private void input(int c) {
            Termios t = termios;
            int iflag = t.iflag();
            int lflag = t.lflag();
            if ((iflag & ISTRIP) != 0) {
                c &= 0x7f;
            }
            if (c == '\r') {
                if ((iflag & IGNCR) != 0) {
                    return;
                }
                if ((iflag & ICRNL) != 0) {
                    c = '\n';
                }
            } else if (c == '\n' && (iflag & INLCR) != 0) {
                c = '\r';
            }
            if ((lflag & ISIG) != 0) {
                int signal = is(c, VINTR) ? Pty.SIGINT : is(c, VQUIT) ? Pty.SIGQUIT : is(c, VSUSP) ? Pty.SIGTSTP : 0;
                if (signal != 0) {
                    if ((lflag & NOFLSH) == 0) {
                        line.reset();
                        rq.putnext(MessageBlock.of(MessageType.M_FLUSH).append(Streams.FLUSHR));
                    }
                    if (stopped && (iflag & IXON) != 0) {
                        start();
                    }
                    if ((lflag & ECHO) != 0) {
                        echoChar(c);
                    }
                    table.signalForeground(rq.stream(), signal);
                    return;
                }
            }
            if ((iflag & IXON) != 0) {
                if (is(c, VSTOP)) {
                    stopped = true;
                    return;
                }
                if (is(c, VSTART)) {
                    start();
                    return;
                }
            }
            if ((lflag & ICANON) == 0) {
                line.write(c);
                if ((lflag & ECHO) != 0) {
                    echoChar(c);
                }
                return;
            }
            if (is(c, VERASE) || (is(c, VWERASE) && (lflag & IEXTEN) != 0) || is(c, VKILL)) {
                erase(c);
                return;
            }
            if (is(c, VEOF)) {
                lineUp();
                return;
            }
            if (c == '\n' || is(c, VEOL)) {
                line.write(c);
                if ((lflag & ECHO) != 0 || (c == '\n' && (lflag & ECHONL) != 0)) {
                    echoChar(c);
                }
                lineUp();
                return;
            }
            if (line.size() >= MAX_CANON) {
                return;
            }
            line.write(c);
            if ((lflag & ECHO) != 0) {
                echoChar(c);
            }
        }

        private void erase(int c) {
            int lflag = termios.lflag();
            boolean echo = (lflag & ECHO) != 0;
            byte[] typed = line.toByteArray();
            int keep = typed.length;
            boolean kill = is(c, VKILL);
            if (kill) {
                keep = 0;
                if (echo && !((lflag & ECHOK) != 0 && (lflag & ECHOKE) != 0 && (lflag & ECHOE) != 0)) {
                    line.reset();
                    echoChar(c);
                    if ((lflag & ECHOK) != 0) {
                        echo(new byte[] { '\n' });
                    }
                    return;
                }
            } else if (is(c, VERASE)) {
                keep = Math.max(0, keep - 1);
            } else {
                while (keep > 0 && Character.isWhitespace(typed[keep - 1])) {
                    keep--;
                }
                while (keep > 0 && !Character.isWhitespace(typed[keep - 1])) {
                    keep--;
                }
            }
            if (keep == typed.length) {
                return;
            }
            line.reset();
            line.write(typed, 0, keep);
            if (!echo) {
                return;
            }
            if ((lflag & ECHOE) == 0) {
                echoChar(c);
                return;
            }
            ByteArrayOutputStream rub = new ByteArrayOutputStream();
            for (int i = typed.length - 1; i >= keep; i--) {
                int width = controlEcho(typed[i] & 0xff) ? 2 : 1;
                for (int w = 0; w < width; w++) {
                    rub.writeBytes(new byte[] { '\b', ' ', '\b' });
                }
            }
            echo(rub.toByteArray());
        }

        /** Whether ECHOCTL shows the character as {@code ^X}. */
        private boolean controlEcho(int c) {
            return (termios.lflag() & ECHOCTL) != 0 && (c < 0x20 || c == 0x7f) && c != '\t' && c != '\n';
        }

        private void echoChar(int c) {
            echo(controlEcho(c) ? new byte[] { '^', (byte) (c ^ 0x40) } : new byte[] { (byte) c });
        }

        /** Echo goes out as output does, through OPOST. */
        private void echo(byte[] bytes) {
            rq.other().putnext(MessageBlock.of(MessageType.M_DATA, post(bytes)));
        }

        private void lineUp() {
            byte[] bytes = line.toByteArray();
            line.reset();
            rq.putnext(MessageBlock.of(MessageType.M_DATA, bytes));
        }

        /** Raw mode: the bytes go up once there are VMIN of them (any, with VMIN 0). */
        private void rawUp() {
            if ((termios.lflag() & ICANON) == 0 && line.size() > 0 && line.size() >= termios.cc(VMIN)) {
                lineUp();
            }
        }

        private void start() {
            stopped = false;
            rq.other().enable();
        }

        // ---- output

        private byte[] post(byte[] bytes) {
            int oflag = termios.oflag();
            if ((oflag & OPOST) == 0 || (oflag & (ONLCR | OCRNL)) == 0) {
                return bytes;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 8);
            for (byte b : bytes) {
                if (b == '\n' && (oflag & ONLCR) != 0) {
                    out.write('\r');
                    out.write('\n');
                } else if (b == '\r' && (oflag & OCRNL) != 0) {
                    out.write('\n');
                } else {
                    out.write(b);
                }
            }
            return out.toByteArray();
        }

        private void write(Queue q, MessageBlock message) {
            switch (message.type()) {
                case M_DATA -> {
                    if (!stopped && q.messages() == 0 && q.canputnext()) {
                        q.putnext(MessageBlock.of(MessageType.M_DATA, post(message.chainBytes())));
                    } else {
                        q.putq(message);
                    }
                }
                case M_IOCTL -> {
                    int cmd = message.ioc().cmd();
                    if ((cmd == Ioctls.TCSETSW || cmd == Ioctls.TCSETSF) && q.messages() > 0) {
                        q.putq(message); // after the output queued before it
                    } else if (!ioctl(q, message)) {
                        q.putnext(message);
                    }
                }
                case M_FLUSH -> {
                    if ((message.get(0) & Streams.FLUSHR) != 0) {
                        line.reset();
                    }
                    q.handleFlush(message);
                }
                default -> StreamHandler.super.put(q, message);
            }
        }

        @Override
        public void service(Queue q) {
            if (q.readSide()) {
                StreamHandler.super.service(q);
                return;
            }
            MessageBlock message;
            while (!stopped && (message = q.getq()) != null) {
                if (message.type() == MessageType.M_IOCTL) {
                    if (!ioctl(q, message)) {
                        q.putnext(message);
                    }
                    continue;
                }
                if (message.type() != MessageType.M_DATA) {
                    q.putnext(message);
                    continue;
                }
                if (!q.canputnext()) {
                    q.putbq(message);
                    return;
                }
                q.putnext(MessageBlock.of(MessageType.M_DATA, post(message.chainBytes())));
            }
        }

        /** Answers the termios ioctls; false for others, which go on down. */
        private boolean ioctl(Queue q, MessageBlock message) {
            int cmd = message.ioc().cmd();
            if (cmd == Ioctls.TCGETS) {
                Ioctls.ack(q, message, Ioctls.termios(termios));
                return true;
            }
            if (cmd != Ioctls.TCSETS && cmd != Ioctls.TCSETSW && cmd != Ioctls.TCSETSF) {
                return false;
            }
            Termios t = Ioctls.termios(Ioctls.data(message));
            if (t == null) {
                Ioctls.nak(q, message, Errno.EINVAL);
                return true;
            }
            set(t, cmd == Ioctls.TCSETSF);
            Ioctls.ack(q, message, null);
            return true;
        }

        private void set(Termios t, boolean flush) {
            boolean wasCanonical = (termios.lflag() & ICANON) != 0;
            termios = t;
            if (flush) {
                line.reset();
                rq.putnext(MessageBlock.of(MessageType.M_FLUSH).append(Streams.FLUSHR));
            }
            boolean canonical = (t.lflag() & ICANON) != 0;
            if (wasCanonical != canonical) {
                readMode();
                if (!canonical) {
                    // As n_tty: a half-typed line becomes readable raw input.
                    rawUp();
                }
            }
            if (stopped && (t.iflag() & IXON) == 0) {
                start();
            }
        }

        @Override
        public void checkpoint(DataOutput state) throws IOException {
            Termios t = termios;
            state.write(Ioctls.termios(t));
            byte[] typed = line.toByteArray();
            state.writeInt(typed.length);
            state.write(typed);
            state.writeBoolean(stopped);
        }

        @Override
        public void restore(Queue read, int version, DataInput state) throws IOException {
            byte[] t = new byte[Ioctls.TERMIOS_SIZE];
            state.readFully(t);
            termios = Ioctls.termios(t);
            int length = state.readInt();
            if (length < 0 || length > MAX_CANON + 1) {
                throw new IOException("ldterm line of " + length + " bytes (at most " + (MAX_CANON + 1) + ")");
            }
            byte[] typed = new byte[length];
            state.readFully(typed);
            line.write(typed);
            stopped = state.readBoolean();
            attach(ptys.restoring(read.partition()), read);
        }
    }
}
