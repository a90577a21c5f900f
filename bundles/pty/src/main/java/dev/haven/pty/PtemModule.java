package dev.haven.pty;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import dev.haven.api.kernel.Errno;
import dev.haven.api.pty.Pty;
import dev.haven.api.pty.WinSize;
import dev.haven.api.streams.MessageBlock;
import dev.haven.api.streams.ModuleInfo;
import dev.haven.api.streams.OpenInfo;
import dev.haven.api.streams.Queue;
import dev.haven.api.streams.StreamHandler;
import dev.haven.api.streams.StreamModule;

/**
 * {@code ptem}: the terminal emulation under the line discipline, as SVR4's: it keeps the window size
 * (TIOCGWINSZ, TIOCSWINSZ; a change sends SIGWINCH to the foreground process group) and passes the rest.
 * State: the window size.
 */
final class PtemModule implements StreamModule {
    static final ModuleInfo INFO = new ModuleInfo(0x7d3, "ptem", 0, ModuleInfo.INFPSZ, 4096, 512);

    private final Ptys ptys;

    PtemModule(Ptys ptys) {
        this.ptys = ptys;
    }

    @Override
    public ModuleInfo info() {
        return INFO;
    }

    @Override
    public String description() {
        return "pty terminal emulation: window size (TIOCGWINSZ, TIOCSWINSZ with SIGWINCH)";
    }

    @Override
    public StreamHandler create() {
        return new Ptem(ptys);
    }

    static final class Ptem implements StreamHandler {
        private final Ptys ptys;
        PtyTable table;
        volatile WinSize size = new WinSize(0, 0, 0, 0);

        Ptem(Ptys ptys) {
            this.ptys = ptys;
        }

        @Override
        public void open(Queue read, OpenInfo info) {
            attach(ptys.table(info.partition()), read);
        }

        private void attach(PtyTable t, Queue read) {
            table = t;
            synchronized (t) {
                t.ptems.put(read.stream(), this);
            }
        }

        @Override
        public void close(Queue read) {
            synchronized (table) {
                table.ptems.remove(read.stream(), this);
            }
        }

        @Override
        public void put(Queue q, MessageBlock message) {
            if (!q.readSide() && message.type() == dev.haven.api.streams.MessageType.M_IOCTL) {
                int cmd = message.ioc().cmd();
                if (cmd == Ioctls.TIOCGWINSZ) {
                    Ioctls.ack(q, message, Ioctls.winsize(size));
                    return;
                }
                if (cmd == Ioctls.TIOCSWINSZ) {
                    WinSize next;
                    try {
                        next = Ioctls.winsize(Ioctls.data(message));
                    } catch (IllegalArgumentException bad) {
                        next = null;
                    }
                    if (next == null) {
                        Ioctls.nak(q, message, Errno.EINVAL);
                        return;
                    }
                    boolean changed = !next.equals(size);
                    size = next;
                    Ioctls.ack(q, message, null);
                    if (changed) {
                        table.signalForeground(q.stream(), Pty.SIGWINCH);
                    }
                    return;
                }
            }
            StreamHandler.super.put(q, message);
        }

        @Override
        public void checkpoint(DataOutput state) throws IOException {
            state.write(Ioctls.winsize(size));
        }

        @Override
        public void restore(Queue read, int version, DataInput state) throws IOException {
            byte[] w = new byte[8];
            state.readFully(w);
            size = Ioctls.winsize(w);
            attach(ptys.restoring(read.partition()), read);
        }
    }
}
