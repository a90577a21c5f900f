package dev.haven.streams.modules;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.osgi.service.component.annotations.Component;

import dev.haven.api.streams.MessageBlock;
import dev.haven.api.streams.MessageType;
import dev.haven.api.streams.ModuleInfo;
import dev.haven.api.streams.Queue;
import dev.haven.api.streams.StreamHandler;
import dev.haven.api.streams.StreamModule;

/**
 * {@code seqno}: numbers data messages in each direction. Every M_DATA message going down gets the
 * prefix {@code "N "} with N counting from 1 on the write side, every one coming up the prefix {@code "N "}
 * with its own count on the read side. State: the next number of each side.
 */
@Component(service = StreamModule.class)
public final class SequenceModule implements StreamModule {
    static final ModuleInfo INFO = new ModuleInfo(0x5301, "seqno", 0, ModuleInfo.INFPSZ, 8192, 1024);

    @Override
    public ModuleInfo info() {
        return INFO;
    }

    @Override
    public String description() {
        return "numbers data messages: \"N \" before each, one count per direction";
    }

    @Override
    public StreamHandler create() {
        return new Instance();
    }

    static final class Instance implements StreamHandler {
        long nextDown = 1;
        long nextUp = 1;

        @Override
        public void put(Queue q, MessageBlock message) {
            if (message.type() == MessageType.M_DATA) {
                long number = q.readSide() ? nextUp++ : nextDown++;
                MessageBlock numbered = MessageBlock.of(MessageType.M_DATA, (number + " ").getBytes(StandardCharsets.US_ASCII));
                numbered.band(message.band());
                numbered.append(message.chainBytes());
                message = numbered;
            }
            StreamHandler.super.put(q, message);
        }

        @Override
        public void checkpoint(DataOutput state) throws IOException {
            state.writeLong(nextDown);
            state.writeLong(nextUp);
        }

        @Override
        public void restore(Queue read, int version, DataInput state) throws IOException {
            nextDown = state.readLong();
            nextUp = state.readLong();
        }
    }
}
