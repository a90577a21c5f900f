package dev.haven.streams.modules;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import org.osgi.service.component.annotations.Component;

import dev.haven.api.kernel.Errno;
import dev.haven.api.streams.MessageBlock;
import dev.haven.api.streams.MessageType;
import dev.haven.api.streams.ModuleInfo;
import dev.haven.api.streams.Queue;
import dev.haven.api.streams.StreamDriver;
import dev.haven.api.streams.StreamHandler;

/**
 * {@code loop}: the echo driver of the STREAMS Programmer's Guide. What is written comes back up the same
 * stream: data and protocol messages are queued on the write side and turned around as far as flow
 * control above lets them; when the read side above drains, back-enabling reaches the driver's read
 * service procedure, which enables the write side again. M_STOP (or the I_STR ioctl {@link #LOOP_STOP})
 * holds output until M_START ({@link #LOOP_START}), as tcflow(TCOOFF) holds a terminal's. Other ioctls
 * are refused. State: whether output is stopped, and the messages looped so far.
 */
@Component(service = StreamDriver.class)
public final class LoopDriver implements StreamDriver {
    static final ModuleInfo INFO = new ModuleInfo(0x5310, "loop", 0, ModuleInfo.INFPSZ, 16384, 4096);
    public static final int LOOP_STOP = ('l' << 8) | 1;
    public static final int LOOP_START = ('l' << 8) | 2;

    @Override
    public ModuleInfo info() {
        return INFO;
    }

    @Override
    public String description() {
        return "echo driver: what is written comes back up; honours flow control, M_STOP/M_START";
    }

    @Override
    public StreamHandler create() {
        return new Instance();
    }

    static final class Instance implements StreamHandler {
        boolean stopped;
        long looped;

        @Override
        public void put(Queue q, MessageBlock message) {
            if (q.readSide()) {
                StreamHandler.super.put(q, message);
                return;
            }
            switch (message.type()) {
                case M_FLUSH -> q.handleFlush(message);
                case M_IOCTL -> {
                    int cmd = message.ioc().cmd();
                    if (cmd == LOOP_STOP || cmd == LOOP_START) {
                        stopped = cmd == LOOP_STOP;
                        if (!stopped) {
                            q.enable();
                        }
                        message.type(MessageType.M_IOCACK);
                        message.ioc().count(0);
                        message.cont(null);
                    } else {
                        message.type(MessageType.M_IOCNAK);
                        message.ioc().error(Errno.EINVAL.number());
                    }
                    q.qreply(message);
                }
                case M_STOP -> stopped = true;
                case M_START -> {
                    stopped = false;
                    q.enable();
                }
                case M_DATA, M_PROTO -> q.putq(message);
                case M_PCPROTO -> {
                    looped++;
                    q.qreply(message);
                }
                default -> {
                    // M_DELAY, M_BREAK, M_CTL, M_IOCDATA: nothing to do for an echo device
                }
            }
        }

        @Override
        public void service(Queue q) {
            if (q.readSide()) {
                // Back-enabled from above: the write side may turn messages around again.
                q.other().enable();
                return;
            }
            MessageBlock message;
            while (!stopped && (message = q.getq()) != null) {
                if (!q.other().bcanputnext(message.band())) {
                    q.putbq(message);
                    return;
                }
                looped++;
                q.qreply(message);
            }
        }

        @Override
        public void checkpoint(DataOutput state) throws IOException {
            state.writeBoolean(stopped);
            state.writeLong(looped);
        }

        @Override
        public void restore(Queue read, int version, DataInput state) throws IOException {
            stopped = state.readBoolean();
            looped = state.readLong();
        }
    }
}
