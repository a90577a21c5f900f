package dev.haven.streams;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.haven.api.streams.MessageBlock;
import dev.haven.api.streams.MessageType;
import dev.haven.api.streams.ModuleInfo;
import dev.haven.api.streams.Queue;
import dev.haven.api.streams.Streams;

/**
 * A queue ({@code queue_t}): its messages in SVR4 order (high priority, then bands highest first, then
 * band 0), its byte counts and flags for flow control, and its neighbours. Guarded by the namespace lock,
 * which every caller holds.
 */
final class QueueImpl implements Queue {
    static final int QENAB = 0x01;
    static final int QWANTR = 0x02;
    static final int QWANTW = 0x04;
    static final int QFULL = 0x08;
    static final int QNOENB = 0x10;
    static final int QB_FULL = 0x01;
    static final int QB_WANTW = 0x02;

    /** A priority band's queue and flow control ({@code qband_t}). */
    static final class Band {
        final ArrayDeque<MessageBlock> messages = new ArrayDeque<>();
        int hiwat;
        int lowat;
        int flags;
        int count;

        Band(int hiwat, int lowat) {
            this.hiwat = hiwat;
            this.lowat = lowat;
        }
    }

    final Pair pair;
    final boolean read;
    QueueImpl other;
    QueueImpl next;
    QueueImpl prev;
    int hiwat;
    int lowat;
    int flags = QWANTR;
    private int count;
    private int messages;
    private final ArrayDeque<MessageBlock> high = new ArrayDeque<>();
    private final ArrayDeque<MessageBlock> normal = new ArrayDeque<>();
    /** Bands by number, highest first; a band stays once created, as qband_t does. */
    final TreeMap<Integer, Band> bands = new TreeMap<>((a, b) -> Integer.compare(b, a));
    private Object ptr;

    QueueImpl(Pair pair, boolean read, ModuleInfo info) {
        this.pair = pair;
        this.read = read;
        this.hiwat = info.hiwat();
        this.lowat = info.lowat();
    }

    private Namespace ns() {
        return pair.stream.ns;
    }

    boolean hasService() {
        return pair.handler.hasService(read);
    }

    @Override
    public String partition() {
        return pair.stream.ns.partition;
    }

    @Override
    public int stream() {
        return pair.stream.id;
    }

    @Override
    public boolean readSide() {
        return read;
    }

    @Override
    public Queue other() {
        return other;
    }

    @Override
    public ModuleInfo info() {
        return pair.info;
    }

    @Override
    public boolean driver() {
        return pair.driver;
    }

    @Override
    public Object ptr() {
        return ptr;
    }

    @Override
    public void ptr(Object ptr) {
        this.ptr = ptr;
    }

    @Override
    public void putnext(MessageBlock message) {
        QueueImpl to = next;
        if (to == null) {
            throw new IllegalStateException(pair.name + ": putnext from a queue with no next queue (the driver's write side)");
        }
        if (pair.stream.frozen || to.pair.stream.frozen) {
            throw new IllegalStateException(pair.name + ": putnext of " + message + " on a frozen stream");
        }
        to.pair.handler.put(to, message);
    }

    @Override
    public void qreply(MessageBlock message) {
        other.putnext(message);
    }

    private static int bytes(MessageBlock message) {
        return message.size();
    }

    private Band band(int number) {
        return bands.computeIfAbsent(number, n -> new Band(hiwat, lowat));
    }

    @Override
    public void putq(MessageBlock message) {
        enqueue(message, false);
        boolean high = message.type().highPriority();
        if (high || ((flags & QNOENB) == 0 && (message.band() > 0 || (flags & QWANTR) != 0))) {
            enable();
        }
    }

    @Override
    public void putbq(MessageBlock message) {
        enqueue(message, true);
        if (message.type().highPriority()) {
            enable();
        }
    }

    /** Adds the message at the end (or, for putbq, the front) of its class and counts it. */
    void enqueue(MessageBlock message, boolean front) {
        int size = bytes(message);
        if (message.type().highPriority()) {
            message.band(0);
            if (front) {
                high.addFirst(message);
            } else {
                high.addLast(message);
            }
            count += size;
        } else if (message.band() > 0) {
            Band band = band(message.band());
            if (front) {
                band.messages.addFirst(message);
            } else {
                band.messages.addLast(message);
            }
            band.count += size;
            if (band.count >= band.hiwat) {
                band.flags |= QB_FULL;
            }
        } else {
            if (front) {
                normal.addFirst(message);
            } else {
                normal.addLast(message);
            }
            count += size;
        }
        if (count >= hiwat) {
            flags |= QFULL;
        }
        messages++;
    }

    /** The first message without taking it. */
    MessageBlock first() {
        if (!high.isEmpty()) {
            return high.peekFirst();
        }
        for (Band band : bands.values()) {
            if (!band.messages.isEmpty()) {
                return band.messages.peekFirst();
            }
        }
        return normal.peekFirst();
    }

    @Override
    public MessageBlock getq() {
        MessageBlock message = first();
        if (message == null) {
            flags |= QWANTR;
            return null;
        }
        flags &= ~QWANTR;
        remove(message);
        return message;
    }

    /** Takes the (first of its class) message out, recounts, and back-enables writers as getq does. */
    private void remove(MessageBlock message) {
        int size = bytes(message);
        messages--;
        if (message.type().highPriority()) {
            high.removeFirstOccurrence(message);
            count -= size;
        } else if (message.band() > 0) {
            Band band = bands.get(message.band());
            band.messages.removeFirstOccurrence(message);
            band.count -= size;
            settleBand(band);
            return;
        } else {
            normal.removeFirstOccurrence(message);
            count -= size;
        }
        settle();
    }

    private void settle() {
        if (count < hiwat) {
            flags &= ~QFULL;
        }
        if ((flags & QWANTW) != 0 && (count < lowat || lowat == 0)) {
            flags &= ~QWANTW;
            backenable();
        }
    }

    private void settleBand(Band band) {
        if (band.count < band.hiwat) {
            band.flags &= ~QB_FULL;
        }
        if ((band.flags & QB_WANTW) != 0 && (band.count < band.lowat || band.lowat == 0)) {
            band.flags &= ~QB_WANTW;
            backenable();
        }
    }

    /** Enables the nearest queue behind this one that has a service procedure. */
    private void backenable() {
        QueueImpl behind = prev;
        while (behind != null && !behind.hasService()) {
            behind = behind.prev;
        }
        if (behind != null) {
            behind.enable();
        }
    }

    /** The queue whose fullness canputnext looks at: the next one with a service procedure, or the last. */
    private QueueImpl nextServiced() {
        QueueImpl at = next;
        while (at != null && !at.hasService() && at.next != null) {
            at = at.next;
        }
        return at;
    }

    @Override
    public boolean canputnext() {
        return bcanputnext(0);
    }

    @Override
    public boolean bcanputnext(int band) {
        QueueImpl at = nextServiced();
        return at == null || at.bcanput(band);
    }

    @Override
    public boolean canput() {
        return bcanput(0);
    }

    boolean bcanput(int number) {
        if (number == 0) {
            if ((flags & QFULL) != 0) {
                flags |= QWANTW;
                return false;
            }
            return true;
        }
        Band band = bands.get(number);
        if (band != null && (band.flags & QB_FULL) != 0) {
            band.flags |= QB_WANTW;
            return false;
        }
        return true;
    }

    @Override
    public void enable() {
        if ((flags & QENAB) != 0) {
            return;
        }
        if (pair.head != null && pair.handler == pair.head) {
            pair.head.enabled(this);
            return;
        }
        flags |= QENAB;
        ns().schedule(this);
    }

    @Override
    public void noenable() {
        flags |= QNOENB;
    }

    @Override
    public void enableok() {
        flags &= ~QNOENB;
    }

    static boolean isData(MessageBlock message) {
        MessageType type = message.type();
        return type == MessageType.M_DATA || type == MessageType.M_PROTO || type == MessageType.M_PCPROTO
                || type == MessageType.M_DELAY;
    }

    @Override
    public void flush(int flag) {
        checkFlushFlag(flag);
        removeIf(high, flag, null);
        removeIf(normal, flag, null);
        for (Band band : bands.values()) {
            removeIf(band.messages, flag, band);
            settleBand(band);
        }
        settle();
    }

    @Override
    public void flushBand(int number, int flag) {
        checkFlushFlag(flag);
        if (number == 0) {
            removeIf(normal, flag, null);
            settle();
            return;
        }
        Band band = bands.get(number);
        if (band != null) {
            removeIf(band.messages, flag, band);
            settleBand(band);
        }
    }

    private static void checkFlushFlag(int flag) {
        if (flag != FLUSHDATA && flag != FLUSHALL) {
            throw new IllegalArgumentException("flush flag must be FLUSHDATA (0) or FLUSHALL (1), not " + flag);
        }
    }

    private void removeIf(ArrayDeque<MessageBlock> from, int flag, Band band) {
        for (Iterator<MessageBlock> it = from.iterator(); it.hasNext();) {
            MessageBlock message = it.next();
            if (flag == FLUSHALL || isData(message)) {
                it.remove();
                messages--;
                if (band != null) {
                    band.count -= bytes(message);
                } else {
                    count -= bytes(message);
                }
            }
        }
    }

    @Override
    public void handleFlush(MessageBlock flush) {
        int flag = flush.length() > 0 ? flush.get(0) : 0;
        int band = (flag & Streams.FLUSHBAND) != 0 && flush.length() > 1 ? flush.get(1) : -1;
        QueueImpl write = read ? other : this;
        QueueImpl readQ = read ? this : other;
        if ((flag & Streams.FLUSHW) != 0) {
            write.flushSide(band);
        }
        if ((flag & Streams.FLUSHR) != 0) {
            readQ.flushSide(band);
        }
        if (pair.driver && !read) {
            // A driver turns FLUSHR around so the read side above is flushed too; FLUSHW ends here.
            if ((flag & Streams.FLUSHR) != 0) {
                flush.buffer()[flush.readOffset()] = (byte) (flag & ~Streams.FLUSHW);
                qreply(flush);
            }
            return;
        }
        if (next != null) {
            putnext(flush);
        }
    }

    private void flushSide(int band) {
        if (band < 0) {
            flush(FLUSHDATA);
        } else {
            flushBand(band, FLUSHDATA);
        }
    }

    @Override
    public int count() {
        int all = count;
        for (Band band : bands.values()) {
            all += band.count;
        }
        return all;
    }

    @Override
    public int messages() {
        return messages;
    }

    @Override
    public int hiwat() {
        return hiwat;
    }

    @Override
    public int lowat() {
        return lowat;
    }

    @Override
    public void water(int number, int hiwat, int lowat) {
        if (number < 0 || number > 255 || lowat < 0 || hiwat < lowat) {
            throw new IllegalArgumentException("strqset: band " + number + " water marks " + lowat + ".." + hiwat
                    + " must satisfy 0 <= band <= 255 and 0 <= lowat <= hiwat");
        }
        if (number == 0) {
            this.hiwat = hiwat;
            this.lowat = lowat;
            flags = count >= hiwat ? flags | QFULL : flags & ~QFULL;
            settle();
        } else {
            Band band = band(number);
            band.hiwat = hiwat;
            band.lowat = lowat;
            band.flags = band.count >= hiwat ? band.flags | QB_FULL : band.flags & ~QB_FULL;
            settleBand(band);
        }
    }

    /** Every message in queue order (copies of nothing: the snapshot copies). */
    List<MessageBlock> all() {
        List<MessageBlock> all = new ArrayList<>(messages);
        all.addAll(high);
        for (Band band : bands.values()) {
            all.addAll(band.messages);
        }
        all.addAll(normal);
        return all;
    }

    /** Restores a band's water marks and flags from an image. */
    void restoreBand(int number, int hiwat, int lowat, int bandFlags) {
        Band band = band(number);
        band.hiwat = hiwat;
        band.lowat = lowat;
        band.flags = bandFlags;
    }

    Map<Integer, Band> bands() {
        return bands;
    }

    List<String> flagNames() {
        List<String> names = new ArrayList<>();
        if ((flags & QFULL) != 0) {
            names.add("QFULL");
        }
        if ((flags & QENAB) != 0) {
            names.add("QENAB");
        }
        if ((flags & QWANTR) != 0) {
            names.add("QWANTR");
        }
        if ((flags & QWANTW) != 0) {
            names.add("QWANTW");
        }
        if ((flags & QNOENB) != 0) {
            names.add("QNOENB");
        }
        bands.forEach((number, band) -> {
            if ((band.flags & QB_FULL) != 0) {
                names.add("QB_FULL(" + number + ")");
            }
            if ((band.flags & QB_WANTW) != 0) {
                names.add("QB_WANTW(" + number + ")");
            }
        });
        return names;
    }

    @Override
    public String toString() {
        return pair.name + (read ? " read" : " write") + " queue";
    }
}
