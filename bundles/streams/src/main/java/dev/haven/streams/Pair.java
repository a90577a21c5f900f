package dev.haven.streams;

import dev.haven.api.streams.ModuleInfo;
import dev.haven.api.streams.StreamComponent;
import dev.haven.api.streams.StreamHandler;

/**
 * A queue pair and its owner: the stream head, a pushed module or the driver. The handler changes only
 * when I_LINK gives a stream head's pair to a multiplexing driver.
 */
final class Pair {
    final String name;
    final ModuleInfo info;
    /** The module or driver service; null for the stream head and a pipe end. */
    final StreamComponent component;
    final boolean driver;
    /** The stream head this pair is, or null. */
    final StreamHead head;
    final QueueImpl rq;
    final QueueImpl wq;
    StreamHandler handler;
    StreamImpl stream;

    Pair(StreamImpl stream, String name, ModuleInfo info, StreamComponent component, StreamHandler handler, boolean driver,
            StreamHead head) {
        this.stream = stream;
        this.name = name;
        this.info = info;
        this.component = component;
        this.handler = handler;
        this.driver = driver;
        this.head = head;
        this.rq = new QueueImpl(this, true, info);
        this.wq = new QueueImpl(this, false, info);
        rq.other = wq;
        wq.other = rq;
    }
}
