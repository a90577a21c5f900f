package dev.haven.streams.modules;

import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import org.osgi.service.component.annotations.Component;

import dev.haven.api.streams.MessageBlock;
import dev.haven.api.streams.MessageType;
import dev.haven.api.streams.ModuleInfo;
import dev.haven.api.streams.Queue;
import dev.haven.api.streams.StreamHandler;
import dev.haven.api.streams.StreamModule;
import dev.haven.api.streams.Streams;

/**
 * {@code recbuf}: turns a byte stream into records. In each direction it holds the bytes of a partial
 * record until its newline arrives, then sends every complete record (newline included) as one M_DATA
 * message. An M_FLUSH of a side drops that side's partial record too. State: the partial record of each
 * side, up to {@link #MAX_RECORD} bytes (a longer one is sent as it is).
 */
@Component(service = StreamModule.class)
public final class RecordModule implements StreamModule {
    static final ModuleInfo INFO = new ModuleInfo(0x5302, "recbuf", 0, ModuleInfo.INFPSZ, 8192, 1024);
    static final int MAX_RECORD = 4096;

    @Override
    public ModuleInfo info() {
        return INFO;
    }

    @Override
    public String description() {
        return "holds partial records until their newline; one message per record, each direction";
    }

    @Override
    public StreamHandler create() {
        return new Instance();
    }

    static final class Instance implements StreamHandler {
        final ByteArrayOutputStream down = new ByteArrayOutputStream();
        final ByteArrayOutputStream up = new ByteArrayOutputStream();

        @Override
        public void put(Queue q, MessageBlock message) {
            if (message.type() == MessageType.M_FLUSH) {
                int flag = message.length() > 0 ? message.get(0) : 0;
                if ((flag & Streams.FLUSHW) != 0) {
                    down.reset();
                }
                if ((flag & Streams.FLUSHR) != 0) {
                    up.reset();
                }
                q.handleFlush(message);
                return;
            }
            if (message.type() != MessageType.M_DATA) {
                StreamHandler.super.put(q, message);
                return;
            }
            ByteArrayOutputStream partial = q.readSide() ? up : down;
            byte[] data = message.chainBytes();
            int start = 0;
            for (int i = 0; i < data.length; i++) {
                if (data[i] == '\n' || partial.size() + (i - start) + 1 >= MAX_RECORD) {
                    partial.write(data, start, i + 1 - start);
                    MessageBlock record = MessageBlock.of(MessageType.M_DATA, partial.toByteArray());
                    record.band(message.band());
                    partial.reset();
                    start = i + 1;
                    StreamHandler.super.put(q, record);
                }
            }
            partial.write(data, start, data.length - start);
        }

        @Override
        public void checkpoint(DataOutput state) throws IOException {
            state.writeInt(down.size());
            state.write(down.toByteArray());
            state.writeInt(up.size());
            state.write(up.toByteArray());
        }

        @Override
        public void restore(Queue read, int version, DataInput state) throws IOException {
            read(state, down);
            read(state, up);
        }

        private static void read(DataInput state, ByteArrayOutputStream into) throws IOException {
            int length = state.readInt();
            if (length < 0 || length > MAX_RECORD) {
                throw new IOException("partial record of " + length + " bytes; at most " + MAX_RECORD);
            }
            byte[] bytes = new byte[length];
            state.readFully(bytes);
            into.reset();
            into.write(bytes);
        }
    }
}
