package dev.haven.streams.modules;

import java.io.DataOutput;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.TreeMap;

import org.osgi.service.component.annotations.Component;

import dev.haven.api.kernel.Errno;
import dev.haven.api.streams.CheckpointRefusedException;
import dev.haven.api.streams.IocBlock;
import dev.haven.api.streams.LinkBlock;
import dev.haven.api.streams.MessageBlock;
import dev.haven.api.streams.MessageType;
import dev.haven.api.streams.ModuleInfo;
import dev.haven.api.streams.OpenInfo;
import dev.haven.api.streams.Queue;
import dev.haven.api.streams.StreamDriver;
import dev.haven.api.streams.StreamHandler;
import dev.haven.api.streams.Streams;

/**
 * {@code mux}: a sample multiplexing driver. Each open is one multiplexor; I_LINK puts streams under it.
 * Going down, a message whose control part is a 4-byte mux id (M_PROTO) goes, without that part, to the
 * stream linked with that id; plain data goes to the first linked stream. Coming up, data from a lower
 * stream arrives at the upper stream as M_PROTO (its mux id) with the data. With streams linked it
 * refuses to be checkpointed: the links name other streams' queues, which a restart cannot give back.
 */
@Component(service = StreamDriver.class)
public final class MuxDriver implements StreamDriver {
    static final ModuleInfo INFO = new ModuleInfo(0x5311, "mux", 0, ModuleInfo.INFPSZ, 16384, 4096);
    private static final StreamHandler LOWER = new Lower();

    @Override
    public ModuleInfo info() {
        return INFO;
    }

    @Override
    public String description() {
        return "multiplexing driver: I_LINK streams under it, route down by a 4-byte mux id control part";
    }

    @Override
    public StreamHandler create() {
        return new Upper();
    }

    @Override
    public Optional<StreamHandler> multiplexor() {
        return Optional.of(LOWER);
    }

    static final class Upper implements StreamHandler {
        final TreeMap<Integer, Queue> links = new TreeMap<>();
        Queue read;

        @Override
        public void open(Queue read, OpenInfo info) {
            this.read = read;
        }

        @Override
        public boolean hasService(boolean readSide) {
            return readSide;
        }

        @Override
        public void put(Queue q, MessageBlock message) {
            if (q.readSide()) {
                StreamHandler.super.put(q, message);
                return;
            }
            switch (message.type()) {
                case M_FLUSH -> q.handleFlush(message);
                case M_IOCTL -> ioctl(q, message);
                case M_DATA, M_PROTO -> route(q, message);
                default -> {
                }
            }
        }

        private void ioctl(Queue q, MessageBlock message) {
            IocBlock ioc = message.ioc();
            LinkBlock link = ioc.link();
            if (ioc.cmd() == Streams.I_LINK && link != null) {
                links.put(link.muxId(), link.bottom());
                link.bottom().ptr(this);
                link.bottom().other().ptr(this);
                message.type(MessageType.M_IOCACK);
            } else if (ioc.cmd() == Streams.I_UNLINK && link != null && links.remove(link.muxId()) != null) {
                link.bottom().ptr(null);
                link.bottom().other().ptr(null);
                message.type(MessageType.M_IOCACK);
            } else {
                message.type(MessageType.M_IOCNAK);
                ioc.error(Errno.EINVAL.number());
            }
            message.cont(null);
            q.qreply(message);
        }

        /** Sends a message down the lower stream it names; one that names no linked stream is dropped, as a datagram to nowhere. */
        private void route(Queue q, MessageBlock message) {
            MessageBlock data = message;
            Queue bottom;
            if (message.type() == MessageType.M_PROTO && message.length() == 4) {
                bottom = links.get(ByteBuffer.wrap(message.buffer(), message.readOffset(), 4).getInt());
                data = message.unlink();
            } else {
                bottom = links.isEmpty() ? null : links.firstEntry().getValue();
            }
            if (bottom != null && data != null) {
                bottom.putnext(data);
            }
        }

        /** Data from the lower stream {@code muxId} goes up as M_PROTO(mux id) + data. */
        void fromBelow(int muxId, MessageBlock message) {
            MessageBlock control = MessageBlock.of(MessageType.M_PROTO, ByteBuffer.allocate(4).putInt(muxId).array());
            control.cont(message);
            read.putnext(control);
        }

        @Override
        public void checkpoint(DataOutput state) throws CheckpointRefusedException {
            if (!links.isEmpty()) {
                throw new CheckpointRefusedException(links.size() + " stream(s) linked under it (mux ids " + links.keySet()
                        + "); a multiplexor's links are not checkpointed");
            }
        }
    }

    /** The procedures of every lower stream's head pair while it is linked. */
    static final class Lower implements StreamHandler {
        @Override
        public boolean hasService(boolean readSide) {
            return false;
        }

        @Override
        public void put(Queue q, MessageBlock message) {
            if (!(q.ptr() instanceof Upper upper)) {
                return;
            }
            if (message.type() == MessageType.M_DATA || message.type() == MessageType.M_PROTO) {
                upper.links.forEach((muxId, bottom) -> {
                    if (bottom.other() == q) {
                        upper.fromBelow(muxId, message);
                    }
                });
            }
        }
    }
}
