package dev.haven.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import dev.haven.api.streams.StreamComponent;
import dev.haven.api.streams.StreamHandler;

/**
 * One stream: its head, its pushed modules top to bottom, its driver; for a pipe end, the other end;
 * for a stream linked under a multiplexor, the stream it is linked under. Guarded by the namespace lock.
 */
final class StreamImpl {
    final Namespace ns;
    final int id;
    final int realId;
    final Pair head;
    final List<Pair> modules = new ArrayList<>();
    Pair driver;
    StreamImpl peer;
    StreamImpl linkedUnder;
    int muxId = -1;
    /** Streams linked under this one (a multiplexor's upper stream), by mux id. */
    final TreeMap<Integer, StreamImpl> lowers = new TreeMap<>();
    boolean frozen;
    boolean closed;

    StreamImpl(Namespace ns, int id, int realId) {
        this.ns = ns;
        this.id = id;
        this.realId = realId;
        StreamHead state = new StreamHead(this);
        this.head = new Pair(this, "head", StreamHead.INFO, null, state, false, state);
    }

    StreamHead headState() {
        return head.head;
    }

    void setDriver(String name, StreamComponent component, StreamHandler handler) {
        driver = new Pair(this, name, component == null ? PipeEnd.INFO : component.info(), component, handler, true, null);
    }

    /** Every pair from the head down. */
    List<Pair> pairs() {
        List<Pair> pairs = new ArrayList<>(modules.size() + 2);
        pairs.add(head);
        pairs.addAll(modules);
        pairs.add(driver);
        return pairs;
    }

    /** Links the queues again after a push, a pop, or a pipe's ends meeting. */
    void relink() {
        List<Pair> pairs = pairs();
        for (int i = 0; i < pairs.size(); i++) {
            Pair above = i == 0 ? null : pairs.get(i - 1);
            Pair below = i + 1 < pairs.size() ? pairs.get(i + 1) : null;
            Pair pair = pairs.get(i);
            pair.wq.next = below == null ? null : below.wq;
            pair.wq.prev = above == null ? null : above.wq;
            pair.rq.next = above == null ? null : above.rq;
            pair.rq.prev = below == null ? null : below.rq;
        }
        if (peer != null && peer.driver != null) {
            driver.wq.next = peer.driver.rq;
            peer.driver.rq.prev = driver.wq;
            driver.rq.prev = peer.driver.wq;
            peer.driver.wq.next = driver.rq;
        }
    }

    String driverName() {
        return driver.name;
    }

    @Override
    public String toString() {
        return "stream " + id + " (" + driver.name + ")";
    }
}
