package dev.haven.streams.modules;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import org.osgi.service.component.annotations.Component;

import dev.haven.api.kernel.Errno;
import dev.haven.api.streams.IocBlock;
import dev.haven.api.streams.MessageBlock;
import dev.haven.api.streams.MessageType;
import dev.haven.api.streams.ModuleInfo;
import dev.haven.api.streams.Queue;
import dev.haven.api.streams.StreamHandler;
import dev.haven.api.streams.StreamModule;

/**
 * {@code case}: converts the letters of data messages, one mode per direction ({@link #NONE},
 * {@link #UPPER}, {@link #LOWER}); pushed, it upper-cases what goes down and leaves what comes up.
 * {@link #CASE_SET} (two bytes: down mode, up mode) and {@link #CASE_GET} work as I_STR ioctls and as
 * transparent ioctls (through M_COPYIN/M_COPYOUT). State: both modes and the letters converted.
 */
@Component(service = StreamModule.class)
public final class CaseModule implements StreamModule {
    static final ModuleInfo INFO = new ModuleInfo(0x5303, "case", 0, ModuleInfo.INFPSZ, 8192, 1024);
    public static final int CASE_SET = ('c' << 8) | 1;
    public static final int CASE_GET = ('c' << 8) | 2;
    public static final int NONE = 0;
    public static final int UPPER = 1;
    public static final int LOWER = 2;

    @Override
    public ModuleInfo info() {
        return INFO;
    }

    @Override
    public String description() {
        return "converts letters' case per direction (down: upper, up: as is); ioctls CASE_SET, CASE_GET";
    }

    @Override
    public StreamHandler create() {
        return new Instance();
    }

    static final class Instance implements StreamHandler {
        int down = UPPER;
        int up = NONE;
        long converted;

        @Override
        public void put(Queue q, MessageBlock message) {
            switch (message.type()) {
                case M_DATA -> convert(message, q.readSide() ? up : down);
                case M_IOCTL -> {
                    if (!q.readSide() && ioctl(q, message)) {
                        return;
                    }
                }
                case M_IOCDATA -> {
                    if (!q.readSide()) {
                        data(q, message);
                        return;
                    }
                }
                default -> {
                }
            }
            StreamHandler.super.put(q, message);
        }

        private void convert(MessageBlock message, int mode) {
            if (mode == NONE) {
                return;
            }
            for (MessageBlock block = message; block != null; block = block.cont()) {
                byte[] buffer = block.buffer();
                for (int i = block.readOffset(); i < block.writeOffset(); i++) {
                    byte b = buffer[i];
                    if (mode == UPPER && b >= 'a' && b <= 'z') {
                        buffer[i] = (byte) (b - 32);
                        converted++;
                    } else if (mode == LOWER && b >= 'A' && b <= 'Z') {
                        buffer[i] = (byte) (b + 32);
                        converted++;
                    }
                }
            }
        }

        /** Answers CASE_SET and CASE_GET; other ioctls go on down. */
        private boolean ioctl(Queue q, MessageBlock message) {
            IocBlock ioc = message.ioc();
            if (ioc.cmd() != CASE_SET && ioc.cmd() != CASE_GET) {
                return false;
            }
            boolean transparent = ioc.count() == IocBlock.TRANSPARENT;
            if (ioc.cmd() == CASE_SET) {
                if (transparent) {
                    message.unlink();
                    ioc.copy(0, 2);
                    message.type(MessageType.M_COPYIN);
                    q.qreply(message);
                    return true;
                }
                byte[] modes = message.cont() == null ? new byte[0] : message.cont().chainBytes();
                set(q, message, modes);
                return true;
            }
            byte[] modes = { (byte) down, (byte) up };
            message.unlink();
            if (transparent) {
                ioc.copy(0, 2);
                message.cont(MessageBlock.of(MessageType.M_DATA, modes));
                message.type(MessageType.M_COPYOUT);
                q.qreply(message);
                return true;
            }
            ack(q, message, MessageBlock.of(MessageType.M_DATA, modes));
            return true;
        }

        private void data(Queue q, MessageBlock message) {
            IocBlock ioc = message.ioc();
            if (ioc.error() != 0) {
                return; // the stream head failed the copy and ended the ioctl itself
            }
            if (ioc.cmd() == CASE_SET) {
                set(q, message, message.cont() == null ? new byte[0] : message.cont().chainBytes());
            } else {
                message.unlink();
                ack(q, message, null);
            }
        }

        private void set(Queue q, MessageBlock message, byte[] modes) {
            message.unlink();
            if (modes.length != 2 || modes[0] < NONE || modes[0] > LOWER || modes[1] < NONE || modes[1] > LOWER) {
                message.type(MessageType.M_IOCNAK);
                message.ioc().error(Errno.EINVAL.number());
                q.qreply(message);
                return;
            }
            down = modes[0];
            up = modes[1];
            ack(q, message, null);
        }

        private static void ack(Queue q, MessageBlock message, MessageBlock data) {
            message.type(MessageType.M_IOCACK);
            message.ioc().count(data == null ? 0 : data.size());
            message.ioc().rval(0);
            message.ioc().error(0);
            message.cont(data);
            q.qreply(message);
        }

        @Override
        public void checkpoint(DataOutput state) throws IOException {
            state.writeByte(down);
            state.writeByte(up);
            state.writeLong(converted);
        }

        @Override
        public void restore(Queue read, int version, DataInput state) throws IOException {
            down = state.readByte();
            up = state.readByte();
            converted = state.readLong();
            if (down < NONE || down > LOWER || up < NONE || up > LOWER) {
                throw new IOException("case modes " + down + "/" + up + " are not NONE, UPPER or LOWER");
            }
        }
    }
}
