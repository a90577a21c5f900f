package dev.haven.streams;

import java.util.Map;
import java.util.TreeMap;

import dev.haven.api.kernel.Errno;
import dev.haven.api.streams.MessageBlock;
import dev.haven.api.streams.MessageType;
import dev.haven.api.streams.ModuleInfo;
import dev.haven.api.streams.Queue;
import dev.haven.api.streams.StrOptions;
import dev.haven.api.streams.StreamHandler;
import dev.haven.api.streams.Streams;

/**
 * The stream head's read-side procedures and its state: read options, errors and hangup, signal
 * registrations, the ioctl waiting for its acknowledgement. The system calls ({@link StreamsImpl}) take
 * messages off its read queue and send them down from its write queue. Its high water mark is 64 KiB,
 * a Linux pipe's buffer (SVR4's STRHIGH was 5120).
 */
final class StreamHead implements StreamHandler {
    static final ModuleInfo INFO = new ModuleInfo(0, "head", 0, ModuleInfo.INFPSZ, 65536, 16384);
    static final int STRHUP = 0x01;
    static final int STRDERR = 0x02;
    static final int STWRERR = 0x04;
    static final int NDELAY = 0x08;
    /** Opened O_RDONLY or O_WRONLY: writes, or reads, fail with EBADF (one descriptor per stream, so the stream keeps it). */
    static final int RDONLY = 0x10;
    static final int WRONLY = 0x20;
    static final int UNSET = -2;
    private static final int NOERROR = 0x80;

    final StreamImpl stream;
    int readOptions = Streams.RNORM | Streams.RPROTNORM;
    int flags;
    int readError;
    int writeError;
    int maxPacket = UNSET;
    int minPacket = UNSET;
    final Map<Integer, Integer> signals = new TreeMap<>();
    final Map<Integer, Integer> pending = new TreeMap<>();
    /** The id of the ioctl waiting for its acknowledgement, 0 if none. */
    long iocId;
    MessageBlock iocReply;
    /** Processes sleeping in read/getmsg (SVR4's RSLEEP) and in write/putmsg (WSLEEP); not part of a checkpoint, as a woken call is restarted. */
    int readers;
    int writers;

    StreamHead(StreamImpl stream) {
        this.stream = stream;
    }

    QueueImpl rq() {
        return stream.head.rq;
    }

    QueueImpl wq() {
        return stream.head.wq;
    }

    /** The largest packet a write may send in one message: SO_MAXPSZ, else the top queue's. */
    int maxPacket() {
        if (maxPacket != UNSET) {
            return maxPacket;
        }
        QueueImpl top = wq().next;
        return top == null ? ModuleInfo.INFPSZ : top.pair.info.maxPacket();
    }

    int minPacket() {
        if (minPacket != UNSET) {
            return minPacket;
        }
        QueueImpl top = wq().next;
        return top == null ? 0 : top.pair.info.minPacket();
    }

    boolean hungUp() {
        return (flags & STRHUP) != 0;
    }

    /** A head queue was enabled: readers or writers may go on. */
    void enabled(QueueImpl q) {
        if (!q.read) {
            post(Streams.S_OUTPUT);
        }
        stream.ns.wake();
    }

    /** SIGPOLL events for every process registered for them. */
    void post(int events) {
        signals.forEach((pid, mask) -> {
            if ((mask & events) != 0) {
                pending.merge(pid, mask & events, (a, b) -> a | b);
            }
        });
    }

    @Override
    public boolean hasService(boolean readSide) {
        return true;
    }

    @Override
    public void service(Queue q) {
        // Never scheduled: a head queue that is enabled wakes its waiters instead (enabled()).
    }

    @Override
    public void put(Queue q, MessageBlock message) {
        if (!q.readSide()) {
            throw new IllegalStateException("nothing is above the stream head's write queue");
        }
        QueueImpl rq = (QueueImpl) q;
        switch (message.type()) {
            case M_DATA, M_PROTO, M_PCPROTO, M_SIG -> {
                rq.putq(message);
                if (message.type() == MessageType.M_PCPROTO) {
                    post(Streams.S_HIPRI);
                } else if (message.band() > 0) {
                    post(Streams.S_RDBAND | Streams.S_INPUT);
                } else if (message.type() != MessageType.M_SIG) {
                    post(Streams.S_RDNORM | Streams.S_INPUT);
                }
                stream.ns.wake();
            }
            case M_PCSIG -> {
                post(Streams.S_MSG);
                stream.ns.wake();
            }
            case M_FLUSH -> flush(rq, message);
            case M_ERROR -> error(message);
            case M_HANGUP -> {
                flags |= STRHUP;
                post(Streams.S_HANGUP);
                stream.ns.wake();
            }
            case M_SETOPTS -> options(StrOptions.from(message));
            case M_IOCACK, M_IOCNAK, M_COPYIN, M_COPYOUT -> {
                if (message.ioc() != null && iocId != 0 && message.ioc().id() == iocId) {
                    iocReply = message;
                    stream.ns.wake();
                }
            }
            case M_IOCTL -> {
                // An ioctl coming up has nobody to answer it: refuse it back down, as strrput does.
                message.type(MessageType.M_IOCNAK);
                message.ioc().error(Errno.EINVAL.number());
                rq.qreply(message);
            }
            default -> {
                // M_CTL, M_BREAK, M_DELAY, M_STOP, M_START, M_IOCDATA end at the stream head.
            }
        }
    }

    private void flush(QueueImpl rq, MessageBlock message) {
        int flag = message.length() > 0 ? message.get(0) : 0;
        int band = (flag & Streams.FLUSHBAND) != 0 && message.length() > 1 ? message.get(1) : -1;
        if ((flag & Streams.FLUSHR) != 0) {
            if (band < 0) {
                rq.flush(Queue.FLUSHDATA);
            } else {
                rq.flushBand(band, Queue.FLUSHDATA);
            }
        }
        if ((flag & Streams.FLUSHW) != 0) {
            message.buffer()[message.readOffset()] = (byte) (flag & ~Streams.FLUSHR);
            rq.qreply(message);
        }
    }

    private void error(MessageBlock message) {
        int read = message.length() > 0 ? message.get(0) : 0;
        int write = message.length() > 1 ? message.get(1) : read;
        if (read != NOERROR) {
            readError = read;
            flags = read == 0 ? flags & ~STRDERR : flags | STRDERR;
        }
        if (write != NOERROR) {
            writeError = write;
            flags = write == 0 ? flags & ~STWRERR : flags | STWRERR;
        }
        if ((flags & (STRDERR | STWRERR)) != 0) {
            // As strrput does: what is queued on an errored side is of no use any more.
            int flush = ((flags & STRDERR) != 0 ? Streams.FLUSHR : 0) | ((flags & STWRERR) != 0 ? Streams.FLUSHW : 0);
            if ((flush & Streams.FLUSHR) != 0) {
                rq().flush(Queue.FLUSHDATA);
            }
            wq().putnext(MessageBlock.of(MessageType.M_FLUSH).append(flush));
            post(Streams.S_ERROR);
        }
        stream.ns.wake();
    }

    private void options(StrOptions options) {
        if ((options.flags() & StrOptions.SO_READOPT) != 0) {
            readOptions = options.readOptions();
        }
        if ((options.flags() & StrOptions.SO_MINPSZ) != 0) {
            minPacket = options.minPacket();
        }
        if ((options.flags() & StrOptions.SO_MAXPSZ) != 0) {
            maxPacket = options.maxPacket();
        }
        QueueImpl rq = rq();
        int hiwat = (options.flags() & StrOptions.SO_HIWAT) != 0 ? options.hiwat() : rq.hiwat;
        int lowat = (options.flags() & StrOptions.SO_LOWAT) != 0 ? options.lowat() : rq.lowat;
        if (lowat <= hiwat) {
            rq.water(0, hiwat, lowat);
        }
    }
}
