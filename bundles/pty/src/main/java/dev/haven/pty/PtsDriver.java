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
import dev.haven.api.streams.StreamDriver;
import dev.haven.api.streams.StreamHandler;

/**
 * {@code pts}: the pty slave, opened as {@code pts/N}. EAGAIN while the master is closed or the pty still
 * locked, EBUSY while the slave is open (descriptors are the partition's, so the slave's descriptor is
 * shared instead), ENXIO for a number with no pty. Its last close sends the master a zero-length message,
 * so the master's reader sees end of file. Its one ioctl, PTSNUM, tells the
 * pty number, for tcsetpgrp and pty:list. State: the virtual pty number.
 */
final class PtsDriver implements StreamDriver {
    static final ModuleInfo INFO = new ModuleInfo(0x7d1, "pts", 0, ModuleInfo.INFPSZ, 8192, 1024);

    private final Ptys ptys;

    PtsDriver(Ptys ptys) {
        this.ptys = ptys;
    }

    @Override
    public ModuleInfo info() {
        return INFO;
    }

    @Override
    public String description() {
        return "pty slave, opened as pts/N once the master unlocked it; push ptem and ldterm";
    }

    @Override
    public StreamHandler create() {
        return new Slave(ptys);
    }

    static final class Slave implements StreamHandler {
        private final Ptys ptys;
        PtyTable table;
        PtyPair pair;
        Queue rq;

        Slave(Ptys ptys) {
            this.ptys = ptys;
        }

        Queue wq() {
            return rq.other();
        }

        @Override
        public void open(Queue read, OpenInfo info) {
            if (info.minor() < 0) {
                throw new KernelException(Errno.ENXIO, "open: a pty slave is opened as pts/N");
            }
            table = ptys.table(info.partition());
            PtmDriver.Master master;
            synchronized (table) {
                PtyPair p = table.pairs.get(info.minor());
                if (p == null) {
                    throw new KernelException(Errno.ENXIO, "open: there is no pty " + info.minor());
                }
                if (p.master == null) {
                    throw new KernelException(Errno.EAGAIN, "open: the master of pty " + info.minor() + " is closed");
                }
                if (p.locked) {
                    throw new KernelException(Errno.EAGAIN, "open: pty " + info.minor() + " is locked (unlockpt its master first)");
                }
                if (p.slave != null) {
                    throw new KernelException(Errno.EBUSY, "open: pts/" + info.minor() + " is already open as stream "
                            + p.slave.rq.stream() + " (share its descriptor)");
                }
                pair = p;
                rq = read;
                p.slave = this;
                master = p.master;
            }
            // What the master wrote before the slave opened may go up now.
            master.wq().enable();
        }

        @Override
        public void close(Queue read) {
            PtmDriver.Master master;
            synchronized (table) {
                pair.slave = null;
                master = pair.master;
            }
            if (master != null) {
                master.rq.putnext(MessageBlock.of(MessageType.M_DATA));
            }
            table.release(pair);
        }

        @Override
        public void put(Queue q, MessageBlock message) {
            if (q.readSide()) {
                StreamHandler.super.put(q, message);
                return;
            }
            switch (message.type()) {
                case M_DATA -> {
                    PtmDriver.Master master = pair.master;
                    if (master != null && q.messages() == 0 && master.rq.canputnext()) {
                        master.up(message);
                    } else if (master != null) {
                        q.putq(message);
                    }
                    // With the master closed the slave is hung up: nothing reaches here from its stream head.
                }
                case M_FLUSH -> q.handleFlush(message);
                case M_IOCTL -> {
                    if (message.ioc().cmd() == Ioctls.PTSNUM) {
                        Ioctls.ack(q, message, Ioctls.integer(pair.number));
                    } else {
                        Ioctls.nak(q, message, Errno.ENOTTY);
                    }
                }
                default -> {
                }
            }
        }

        @Override
        public void service(Queue q) {
            PtmDriver.Master master = pair.master;
            if (q.readSide()) {
                if (master != null) {
                    master.wq().enable();
                }
                return;
            }
            MessageBlock message;
            while (master != null && (message = q.getq()) != null) {
                if (!master.rq.canputnext()) {
                    q.putbq(message);
                    return;
                }
                master.up(message);
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
                if (pair.slave != null) {
                    throw new IOException("pty " + number + " has two slaves (streams " + pair.slave.rq.stream() + " and " + read.stream() + ")");
                }
                pair.slave = this;
            }
        }
    }
}
