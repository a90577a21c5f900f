package dev.haven.pty;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.streams.MessageBlock;
import dev.haven.api.streams.MessageType;
import dev.haven.api.streams.ModuleInfo;
import dev.haven.api.streams.OpenInfo;
import dev.haven.api.streams.Queue;
import dev.haven.api.streams.StrOptions;
import dev.haven.api.streams.StreamDriver;
import dev.haven.api.streams.StreamHandler;
import dev.haven.api.streams.Streams;

/**
 * {@code ptm}: the pty master, opened by cloning (ptmx). What is written to it goes up the slave, through
 * the slave's modules, to the slave's reader; what the slave writes comes up here. Ioctls: TIOCGPTN
 * (ptsname), TIOCSPTLCK (unlockpt), OWNERPT (grantpt), TIOCPKT; others fail with ENOTTY. Closing it hangs
 * the slave up (M_HANGUP). State: the virtual pty number; the pair's other settings are the pty section's.
 */
final class PtmDriver implements StreamDriver {
    static final ModuleInfo INFO = new ModuleInfo(0x7d0, "ptm", 0, ModuleInfo.INFPSZ, 8192, 1024);
    /** TIOCPKT_DATA: the status byte before data in packet mode. */
    static final int TIOCPKT_DATA = 0;

    private final Ptys ptys;

    PtmDriver(Ptys ptys) {
        this.ptys = ptys;
    }

    @Override
    public ModuleInfo info() {
        return INFO;
    }

    @Override
    public String description() {
        return "pty master, cloned: ioctls TIOCGPTN, TIOCSPTLCK, OWNERPT, TIOCPKT";
    }

    @Override
    public StreamHandler create() {
        return new Master(ptys);
    }

    static final class Master implements StreamHandler {
        private final Ptys ptys;
        PtyTable table;
        PtyPair pair;
        Queue rq;

        Master(Ptys ptys) {
            this.ptys = ptys;
        }

        Queue wq() {
            return rq.other();
        }

        @Override
        public void open(Queue read, OpenInfo info) {
            if (info.minor() != -1) {
                throw new KernelException(Errno.ENXIO, "open: ptm is opened by cloning, not as ptm/" + info.minor());
            }
            table = ptys.table(info.partition());
            rq = read;
            pair = table.allocate(Integer.MAX_VALUE);
            synchronized (table) {
                pair.master = this;
            }
        }

        @Override
        public void close(Queue read) {
            PtsDriver.Slave slave;
            synchronized (table) {
                pair.master = null;
                slave = pair.slave;
            }
            if (slave != null) {
                slave.rq.putnext(MessageBlock.of(MessageType.M_HANGUP));
            }
            table.release(pair);
        }

        /** Data from the slave, to this master's reader, with its status byte in packet mode. */
        void up(MessageBlock message) {
            if (pair.packet && message.type() == MessageType.M_DATA && message.size() > 0) {
                MessageBlock status = MessageBlock.of(MessageType.M_DATA, new byte[] { TIOCPKT_DATA });
                status.cont(message);
                message = status;
            }
            rq.putnext(message);
        }

        @Override
        public void put(Queue q, MessageBlock message) {
            if (q.readSide()) {
                StreamHandler.super.put(q, message);
                return;
            }
            switch (message.type()) {
                case M_DATA -> {
                    PtsDriver.Slave slave = pair.slave;
                    if (slave != null && q.messages() == 0 && slave.rq.canputnext()) {
                        slave.rq.putnext(message);
                    } else {
                        q.putq(message);
                    }
                }
                case M_FLUSH -> q.handleFlush(message);
                case M_IOCTL -> ioctl(q, message);
                default -> {
                    // M_PROTO, M_CTL, M_DELAY, M_BREAK: a pty carries bytes only
                }
            }
        }

        private void ioctl(Queue q, MessageBlock message) {
            byte[] data = Ioctls.data(message);
            switch (message.ioc().cmd()) {
                case Ioctls.TIOCGPTN -> Ioctls.ack(q, message, Ioctls.integer(pair.number));
                case Ioctls.OWNERPT -> Ioctls.ack(q, message, null);
                case Ioctls.TIOCSPTLCK -> {
                    Integer lock = Ioctls.integer(data);
                    if (lock == null) {
                        Ioctls.nak(q, message, Errno.EINVAL);
                        return;
                    }
                    synchronized (table) {
                        pair.locked = lock != 0;
                    }
                    Ioctls.ack(q, message, null);
                }
                case Ioctls.TIOCPKT -> {
                    Integer on = Ioctls.integer(data);
                    if (on == null) {
                        Ioctls.nak(q, message, Errno.EINVAL);
                        return;
                    }
                    synchronized (table) {
                        pair.packet = on != 0;
                    }
                    // A packet is one read: the status byte and the data after it.
                    rq.putnext(new StrOptions(StrOptions.SO_READOPT, on != 0 ? Streams.RMSGN : Streams.RNORM, 0, 0, 0, 0).toMessage());
                    Ioctls.ack(q, message, null);
                }
                default -> Ioctls.nak(q, message, Errno.ENOTTY);
            }
        }

        @Override
        public void service(Queue q) {
            PtsDriver.Slave slave = pair.slave;
            if (q.readSide()) {
                // Back-enabled from the master's reader: the slave's writers may go on.
                if (slave != null) {
                    slave.wq().enable();
                }
                return;
            }
            MessageBlock message;
            while (slave != null && (message = q.getq()) != null) {
                if (!slave.rq.canputnext()) {
                    q.putbq(message);
                    return;
                }
                slave.rq.putnext(message);
            }
        }

        @Override
        public void checkpoint(DataOutput state) throws IOException {
            state.writeInt(pair.number);
        }

        @Override
        public void restore(Queue read, int version, DataInput state) throws IOException {
            int number = state.readInt();
            if (number < 0) {
                throw new IOException("pty number " + number + " is negative");
            }
            table = ptys.restoring(read.partition());
            rq = read;
            synchronized (table) {
                pair = table.restored(number);
                if (pair.master != null) {
                    throw new IOException("pty " + number + " has two masters (streams " + pair.master.rq.stream() + " and " + read.stream() + ")");
                }
                pair.master = this;
            }
        }
    }
}
