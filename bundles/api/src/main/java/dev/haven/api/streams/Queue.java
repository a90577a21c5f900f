package dev.haven.api.streams;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One queue of a queue pair, as a module's or driver's procedures see it ({@code queue_t} and the DDI
 * routines on it). Messages are ordered high priority first, then by band, highest first, then band 0;
 * within each class in the order they came. Flow control counts bytes of M_DATA, M_PROTO and M_PCPROTO
 * blocks; a queue (or band) at or above its high water mark is full, and when it drains to its low water
 * mark the nearest queue behind it with a service procedure that found it full is back-enabled.
 *
 * <p>Procedures run with the stream's perimeter held (one thread at a time in a partition's streams), so
 * they never wait; a procedure that cannot pass a message on puts it on its queue for the service
 * procedure.
 */
@ProviderType
public interface Queue {
    /** {@code FLUSHDATA}: flush only data messages (M_DATA, M_PROTO, M_PCPROTO, M_DELAY). */
    int FLUSHDATA = 0;
    /** {@code FLUSHALL}: flush every message. */
    int FLUSHALL = 1;

    /**
     * The partition whose stream this queue belongs to. A restored instance is told no {@link OpenInfo}, so this
     * is how it finds its partition's objects again (a pty driver finds its pty).
     */
    String partition();

    /** The virtual id of the stream this queue belongs to, as {@link OpenInfo#stream()} gave it at open. */
    int stream();

    /** Whether this is the read (upstream-going) queue of its pair. */
    boolean readSide();

    /** {@code OTHERQ}: the other queue of the pair. */
    Queue other();

    /** The module_info of the module or driver that owns this queue pair. */
    ModuleInfo info();

    /** Whether this queue belongs to the stream's driver, or to the driver end of a pipe. */
    boolean driver();

    /** {@code q_ptr}: the owner's private data for this queue. */
    Object ptr();

    void ptr(Object ptr);

    /**
     * {@code putnext(9F)}: calls the next queue's put procedure with the message.
     *
     * @throws IllegalStateException if there is no next queue (the driver's write side) or the stream is frozen
     */
    void putnext(MessageBlock message);

    /** {@code qreply(9F)}: sends the message back the other way, from the other queue of this pair. */
    void qreply(MessageBlock message);

    /** {@code putq(9F)}: queues the message here in priority order and schedules the service procedure as SVR4 does. */
    void putq(MessageBlock message);

    /** {@code putbq(9F)}: puts a message taken by getq back at the front of its class. */
    void putbq(MessageBlock message);

    /** {@code getq(9F)}: the first message, or null (and QWANTR is set); may back-enable writers. */
    MessageBlock getq();

    /** {@code canputnext(9F)}: whether the next queue with a service procedure is not full. */
    boolean canputnext();

    /** {@code bcanputnext(9F)}: the same for band {@code band} (band 0 is the queue itself). */
    boolean bcanputnext(int band);

    /** {@code canput(9F)} on this queue. */
    boolean canput();

    /** {@code qenable(9F)}: schedules this queue's service procedure. */
    void enable();

    /** {@code noenable(9F)}: putq of normal messages stops scheduling the service procedure. */
    void noenable();

    /** {@code enableok(9F)}. */
    void enableok();

    /** {@code flushq(9F)}: {@link #FLUSHDATA} or {@link #FLUSHALL}. */
    void flush(int flag);

    /** {@code flushband(9F)}: flushes one band's messages. */
    void flushBand(int band, int flag);

    /**
     * The standard M_FLUSH handling: a module flushes its queues as the message says and passes it on;
     * a driver flushes, and turns FLUSHR around to the read side, as SVR4's loop driver does. The stream
     * head handles M_FLUSH on its own.
     */
    void handleFlush(MessageBlock flush);

    /** {@code q_count}: bytes queued. */
    int count();

    /** {@code qsize(9F)}: messages queued. */
    int messages();

    int hiwat();

    int lowat();

    /** {@code strqset(9F)} for QHIWAT and QLOWAT of the queue (band 0) or of a band. */
    void water(int band, int hiwat, int lowat);
}
