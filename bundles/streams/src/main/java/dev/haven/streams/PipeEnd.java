package dev.haven.streams;

import dev.haven.api.kernel.Errno;
import dev.haven.api.streams.MessageBlock;
import dev.haven.api.streams.MessageType;
import dev.haven.api.streams.ModuleInfo;
import dev.haven.api.streams.Queue;
import dev.haven.api.streams.StreamHandler;
import dev.haven.api.streams.Streams;

/**
 * The driver end of a STREAMS pipe: its write queue's next is the other end's read queue, so what one
 * end writes goes up the other. It has no service procedures, so flow control reaches from one stream
 * head to the other's. An M_FLUSH crosses with FLUSHR and FLUSHW swapped, an ioctl that reaches it is
 * refused, as SVR4 pipes do.
 */
final class PipeEnd implements StreamHandler {
    static final String NAME = "pipe";
    static final ModuleInfo INFO = new ModuleInfo(0, NAME, 0, ModuleInfo.INFPSZ, 65536, 16384);

    @Override
    public boolean hasService(boolean readSide) {
        return false;
    }

    @Override
    public void put(Queue q, MessageBlock message) {
        if (q.readSide()) {
            q.putnext(message);
            return;
        }
        switch (message.type()) {
            case M_FLUSH -> {
                int flag = message.length() > 0 ? message.get(0) : 0;
                q.flush(Queue.FLUSHDATA);
                int swapped = (flag & ~Streams.FLUSHRW) | ((flag & Streams.FLUSHR) != 0 ? Streams.FLUSHW : 0)
                        | ((flag & Streams.FLUSHW) != 0 ? Streams.FLUSHR : 0);
                message.buffer()[message.readOffset()] = (byte) swapped;
                q.putnext(message);
            }
            case M_IOCTL -> {
                message.type(MessageType.M_IOCNAK);
                message.ioc().error(Errno.EINVAL.number());
                q.qreply(message);
            }
            default -> q.putnext(message);
        }
    }
}
