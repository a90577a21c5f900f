package dev.haven.api.ipc;

/**
 * {@code struct mq_attr}.
 *
 * @param flags {@code O_NONBLOCK} or 0: the only flag of an open queue description, set by {@code mq_setattr}
 * @param maxmsg the most messages the queue holds
 * @param msgsize the largest message it takes, in bytes
 * @param curmsgs messages queued now (ignored by {@code mq_open} and {@code mq_setattr})
 */
public record MqAttr(long flags, long maxmsg, long msgsize, long curmsgs) {

    /** Attributes for {@code mq_open}: a queue of {@code maxmsg} messages of at most {@code msgsize} bytes. */
    public static MqAttr of(long maxmsg, long msgsize) {
        return new MqAttr(0, maxmsg, msgsize, 0);
    }
}
