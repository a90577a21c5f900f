package dev.haven.streams.checkpoint;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.haven.api.checkpoint.ImageException;
import dev.haven.api.checkpoint.SectionInput;
import dev.haven.api.checkpoint.SectionOutput;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.streams.IocBlock;
import dev.haven.api.streams.MessageBlock;
import dev.haven.api.streams.MessageType;
import dev.haven.api.streams.StreamsSnapshot;
import dev.haven.api.streams.StreamsSnapshot.HeadImage;
import dev.haven.api.streams.StreamsSnapshot.PartImage;
import dev.haven.api.streams.StreamsSnapshot.QueueImage;
import dev.haven.api.streams.StreamsSnapshot.StreamImage;

/**
 * The {@code streams} section, version 1 (big-endian; strings and byte arrays length-prefixed):
 *
 * <pre>
 * int descriptors, then per descriptor: int fd, int stream id
 * int streams, then per stream:
 *   int id, int peer (-1), int linkedUnder (-1), int muxId (-1)
 *   part driver; int modules; part module... (top to bottom)
 *     part = string name, int stateVersion, bytes state (what it wrote into the checkpoint message)
 *   head: int readOptions, flags, readError, writeError, minPacket, maxPacket;
 *         int n, n x (int pid, int events) registered; int n, n x (int pid, int events) pending
 *   int queues (head rq, head wq, each module's rq and wq, the driver's rq and wq), per queue:
 *     boolean readSide, int hiwat, int lowat, int flags
 *     int bands, per band: int band, int hiwat, int lowat, int flags
 *     int messages, per message: int blocks, per block:
 *       int type code, int band, bytes data, boolean ioc [int cmd, int uid, int gid, long id, int count,
 *       int rval, int error, int address, int size]
 * </pre>
 *
 * Every count is checked against what the section still holds, so a damaged length cannot make the
 * reader allocate more than the section's size.
 */
final class StreamsSection {
    static final String NAME = "streams";
    static final int VERSION = 1;
    private static final int MAX_NAME = 64;
    private static final int MAX_STATE = 16 << 20;
    private static final int MAX_DATA = 16 << 20;

    private StreamsSection() {
    }

    static void write(StreamsSnapshot snapshot, SectionOutput out) throws IOException {
        out.writeInt(snapshot.descriptors().size());
        for (Map.Entry<Integer, Integer> entry : new TreeMap<>(snapshot.descriptors()).entrySet()) {
            out.writeInt(entry.getKey());
            out.writeInt(entry.getValue());
        }
        out.writeInt(snapshot.streams().size());
        for (StreamImage stream : snapshot.streams()) {
            out.writeInt(stream.id());
            out.writeInt(stream.peer());
            out.writeInt(stream.linkedUnder());
            out.writeInt(stream.muxId());
            writePart(stream.driver(), out);
            out.writeInt(stream.modules().size());
            for (PartImage module : stream.modules()) {
                writePart(module, out);
            }
            HeadImage head = stream.head();
            out.writeInt(head.readOptions());
            out.writeInt(head.flags());
            out.writeInt(head.readError());
            out.writeInt(head.writeError());
            out.writeInt(head.minPacket());
            out.writeInt(head.maxPacket());
            writeMap(head.signals(), out);
            writeMap(head.pendingSignals(), out);
            out.writeInt(stream.queues().size());
            for (QueueImage queue : stream.queues()) {
                out.writeBoolean(queue.readSide());
                out.writeInt(queue.hiwat());
                out.writeInt(queue.lowat());
                out.writeInt(queue.flags());
                out.writeInt(queue.bands().size());
                for (Map.Entry<Integer, int[]> band : new TreeMap<>(queue.bands()).entrySet()) {
                    out.writeInt(band.getKey());
                    out.writeInt(band.getValue()[0]);
                    out.writeInt(band.getValue()[1]);
                    out.writeInt(band.getValue()[2]);
                }
                out.writeInt(queue.messages().size());
                for (MessageBlock message : queue.messages()) {
                    writeMessage(message, out);
                }
            }
        }
    }

    private static void writePart(PartImage part, SectionOutput out) throws IOException {
        out.writeString(part.name());
        out.writeInt(part.stateVersion());
        out.writeBytes(part.state());
    }

    private static void writeMap(Map<Integer, Integer> map, SectionOutput out) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<Integer, Integer> entry : new TreeMap<>(map).entrySet()) {
            out.writeInt(entry.getKey());
            out.writeInt(entry.getValue());
        }
    }

    private static void writeMessage(MessageBlock message, SectionOutput out) throws IOException {
        int blocks = 0;
        for (MessageBlock block = message; block != null; block = block.cont()) {
            blocks++;
        }
        out.writeInt(blocks);
        for (MessageBlock block = message; block != null; block = block.cont()) {
            out.writeInt(block.type().code());
            out.writeInt(block.band());
            out.writeBytes(block.bytes());
            IocBlock ioc = block.ioc();
            out.writeBoolean(ioc != null);
            if (ioc != null) {
                out.writeInt(ioc.cmd());
                out.writeInt(ioc.credentials().uid());
                out.writeInt(ioc.credentials().gid());
                out.writeLong(ioc.id());
                out.writeInt(ioc.count());
                out.writeInt(ioc.rval());
                out.writeInt(ioc.error());
                out.writeInt(ioc.address());
                out.writeInt(ioc.size());
            }
        }
    }

    static StreamsSnapshot read(SectionInput in) throws IOException {
        Map<Integer, Integer> descriptors = new TreeMap<>();
        int count = count(in, 8, "descriptors");
        for (int i = 0; i < count; i++) {
            int fd = in.readInt();
            int id = in.readInt();
            if (descriptors.put(fd, id) != null) {
                throw corrupt("descriptor " + fd + " appears twice");
            }
        }
        int streams = count(in, 16, "streams");
        List<StreamImage> images = new ArrayList<>(streams);
        for (int i = 0; i < streams; i++) {
            int id = in.readInt();
            int peer = in.readInt();
            int linkedUnder = in.readInt();
            int muxId = in.readInt();
            PartImage driver = readPart(in);
            int moduleCount = count(in, 12, "modules of stream " + id);
            List<PartImage> modules = new ArrayList<>(moduleCount);
            for (int m = 0; m < moduleCount; m++) {
                modules.add(readPart(in));
            }
            HeadImage head = new HeadImage(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                    readMap(in, "signals of stream " + id), readMap(in, "pending signals of stream " + id));
            int queueCount = count(in, 17, "queues of stream " + id);
            List<QueueImage> queues = new ArrayList<>(queueCount);
            for (int q = 0; q < queueCount; q++) {
                boolean read = in.readBoolean();
                int hiwat = in.readInt();
                int lowat = in.readInt();
                int flags = in.readInt();
                int bandCount = count(in, 16, "bands");
                Map<Integer, int[]> bands = new TreeMap<>();
                for (int b = 0; b < bandCount; b++) {
                    int band = in.readInt();
                    if (band < 1 || band > 255) {
                        throw corrupt("stream " + id + ": band " + band + " is not 1..255");
                    }
                    bands.put(band, new int[] { in.readInt(), in.readInt(), in.readInt() });
                }
                int messageCount = count(in, 4, "messages");
                List<MessageBlock> messages = new ArrayList<>(messageCount);
                for (int m = 0; m < messageCount; m++) {
                    messages.add(readMessage(in, id));
                }
                queues.add(new QueueImage(read, hiwat, lowat, flags, bands, messages));
            }
            images.add(new StreamImage(id, driver, modules, peer, linkedUnder, muxId, head, queues));
        }
        if (in.remaining() != 0) {
            throw corrupt(in.remaining() + " bytes after the last stream");
        }
        return new StreamsSnapshot(descriptors, images);
    }

    private static PartImage readPart(SectionInput in) throws IOException {
        String name = in.readString(MAX_NAME);
        int version = in.readInt();
        byte[] state = in.readBytes(MAX_STATE);
        return new PartImage(name, version, state);
    }

    private static Map<Integer, Integer> readMap(SectionInput in, String what) throws IOException {
        int count = count(in, 8, what);
        Map<Integer, Integer> map = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            map.put(in.readInt(), in.readInt());
        }
        return map;
    }

    private static MessageBlock readMessage(SectionInput in, int stream) throws IOException {
        int blocks = count(in, 13, "blocks");
        if (blocks == 0) {
            throw corrupt("stream " + stream + ": a message with no block");
        }
        MessageBlock head = null;
        for (int b = 0; b < blocks; b++) {
            int code = in.readInt();
            MessageType type;
            try {
                type = MessageType.of(code);
            } catch (IllegalArgumentException e) {
                throw corrupt("stream " + stream + ": " + e.getMessage());
            }
            int band = in.readInt();
            if (band < 0 || band > 255) {
                throw corrupt("stream " + stream + ": band " + band + " is not 0..255");
            }
            MessageBlock block = MessageBlock.of(type, in.readBytes(MAX_DATA));
            block.band(band);
            if (in.readBoolean()) {
                int cmd = in.readInt();
                int uid = in.readInt();
                int gid = in.readInt();
                if (uid < 0 || gid < 0) {
                    throw corrupt("stream " + stream + ": ioctl credentials " + uid + "/" + gid);
                }
                IocBlock ioc = new IocBlock(cmd, new Credentials(uid, gid), in.readLong(), in.readInt());
                ioc.rval(in.readInt());
                ioc.error(in.readInt());
                ioc.copy(in.readInt(), in.readInt());
                block.ioc(ioc);
            }
            if (head == null) {
                head = block;
            } else {
                head.link(block);
            }
        }
        return head;
    }

    /** A count that the rest of the section can hold at {@code minBytes} per element. */
    private static int count(SectionInput in, int minBytes, String what) throws IOException {
        int count = in.readInt();
        if (count < 0 || (long) count * minBytes > in.remaining()) {
            throw corrupt(what + ": count " + count + " does not fit in the " + in.remaining() + " bytes left");
        }
        return count;
    }

    static ImageException corrupt(String message) {
        return new ImageException(ImageException.Reason.CORRUPT, "section '" + NAME + "': " + message);
    }
}
