package dev.haven.workloads;

import static dev.haven.api.ipc.Posix.O_CREAT;
import static dev.haven.api.ipc.Posix.O_RDONLY;
import static dev.haven.api.ipc.Posix.O_WRONLY;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

import org.osgi.service.component.annotations.Component;

import dev.haven.api.ipc.MqAttr;
import dev.haven.api.ipc.MqMessage;
import dev.haven.api.ipc.PosixIpc;
import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.workload.ProcessContext;
import dev.haven.api.workload.SavedState;
import dev.haven.api.workload.Workload;

/**
 * A three-stage pipeline over POSIX message queues with priorities: a {@code producer} sends items 0..COUNT-1,
 * item {@code s} at priority {@code s % 4}, to {@code /NAME-in}; a {@code transform} turns each into its upper-case
 * form and forwards it, priority kept, to {@code /NAME-out}; a {@code consumer} checks every item: its content, its
 * priority, and that each priority's items come exactly once and in order (queues hand out the highest priority
 * first, and first-in first-out within one). Each stage ends after COUNT items; the consumer stores
 * {@code verified} and exits 0 when all were right, else stores {@code error} and exits 1. A final {@code END}
 * message at priority 0 follows each stage's items, so it is the last a queue hands out.
 *
 * <p>Arguments: {@code producer|transform|consumer COUNT [PERIOD_MS (1)] [NAME (mqp)]}; PERIOD_MS is a pause after
 * each item. Queues are 8 messages of 64 bytes, so a slow stage makes its upstream wait on a full queue.
 *
 * <p>Restart safety. A stage keeps its queue handles and its progress in its saved state; a restored stage takes its
 * handles back rather than opening new ones. Progress is saved in one update per item, but a checkpoint can still fall
 * between two kernel calls: (1) after a send and before the saved update, so the restored sender sends that item again
 * — the receiver drops it as a duplicate of what it already has; (2) after a receive and before the saved update, so
 * the item is neither in the queue nor recorded — the receiver knows this can have happened because its saved state
 * says a receive was in flight, and it accepts exactly one item of one priority as missing, re-creating it from its
 * number (items are a function of their number). Either allowance is granted once per such restart and counted
 * ({@code duplicates}, {@code recovered}); anything else — a second gap, an item out of order, a wrong priority or
 * content — fails the consumer. So a lost, doubled or reordered message in the kernel is caught, not absorbed.
 */
@Component
public final class MqPipeline implements Workload {
    static final int PRIORITIES = 4;
    static final long MAXMSG = 8;
    static final long MSGSIZE = 64;
    static final String END = "END";

    @Override
    public String name() {
        return "mq-pipeline";
    }

    @Override
    public String description() {
        return "producer -> transform -> consumer over POSIX message queues with priorities; "
                + "args: producer|transform|consumer COUNT [PERIOD_MS (1)] [NAME (mqp)]";
    }

    @Override
    public int run(ProcessContext context) {
        if (context.args().size() < 2 || context.args().size() > 4) {
            throw new KernelException(Errno.EINVAL, "mq-pipeline takes producer|transform|consumer COUNT [PERIOD_MS] [NAME]");
        }
        String role = context.args().get(0);
        long count = Arguments.positiveLong(context.args().get(1), "COUNT");
        long period = context.args().size() > 2 ? Arguments.nonNegativeLong(context.args().get(2), "PERIOD_MS") : 1;
        String name = context.args().size() > 3 ? context.args().get(3) : "mqp";
        if (!name.matches("[A-Za-z0-9_.-]{1,60}")) {
            throw new KernelException(Errno.EINVAL, "NAME must be 1..60 letters, digits, '_', '.' or '-', not '" + name + "'");
        }
        Stage stage = new Stage(context, context.kernel().extension(PosixIpc.class), count, period);
        return switch (role) {
            case "producer" -> stage.produce("/" + name + "-in");
            case "transform" -> stage.transform("/" + name + "-in", "/" + name + "-out");
            case "consumer" -> stage.consume("/" + name + "-out", "/" + name + "-in");
            default -> throw new KernelException(Errno.EINVAL, "the role must be producer, transform or consumer, not '" + role + "'");
        };
    }

    /** The item number {@code s} as the producer makes it, and as the transform makes it of that. */
    static String item(long s) {
        return "item-" + s;
    }

    static String transformed(String item) {
        return item.toUpperCase(Locale.ROOT) + "|t";
    }

    static int priority(long s) {
        return (int) (s % PRIORITIES);
    }

    private static final class Stage {
        private final ProcessContext context;
        private final SavedState state;
        private final PosixIpc ipc;
        private final long count;
        private final long period;
        /** The next item expected in each priority; see the class comment. */
        private final long[] expected = new long[PRIORITIES];
        private long delivered;
        private long duplicates;
        private long recovered;
        private long gapsAllowed;
        private long duplicatesAllowed;
        /** Items recorded as received but not yet known to be forwarded (transform). */
        private long[] pending = new long[0];

        Stage(ProcessContext context, PosixIpc ipc, long count, long period) {
            this.context = context;
            this.state = context.state();
            this.ipc = ipc;
            this.count = count;
            this.period = period;
            for (int p = 0; p < PRIORITIES; p++) {
                expected[p] = p;
            }
        }

        /** The handle saved under {@code key}, or a new one, saved there; a restored process takes its own back. */
        private int queue(String key, String name, int access) {
            long saved = state.getLong(key, -1);
            if (saved >= 0) {
                return (int) saved;
            }
            int mqd = ipc.mqOpen(name, O_CREAT | access, 0600, MqAttr.of(MAXMSG, MSGSIZE));
            state.putLong(key, mqd);
            return mqd;
        }

        private void send(int mqd, long s, String text) {
            ipc.mqSend(mqd, (s + " " + text).getBytes(StandardCharsets.UTF_8), s < 0 ? 0 : priority(s));
        }

        private void pause() {
            if (period > 0) {
                context.kernel().sleep(Duration.ofMillis(period));
            }
        }

        int produce(String out) {
            int mqd = queue("out", out, O_WRONLY);
            // A restored producer sends its next item again: it may have been sent just before the checkpoint.
            for (long s = state.getLong("next", 0); s < count; s++) {
                send(mqd, s, item(s));
                state.putLong("next", s + 1);
                pause();
            }
            send(mqd, -1, END);
            return 0;
        }

        int transform(String in, String out) {
            int from = queue("in", in, O_RDONLY);
            int to = queue("out", out, O_WRONLY);
            load();
            while (true) {
                // A restored transform sends its pending items again: the first may have gone just before the checkpoint.
                while (pending.length > 0) {
                    send(to, pending[0], transformed(item(pending[0])));
                    pending = Arrays.copyOfRange(pending, 1, pending.length);
                    save(false);
                }
                if (delivered >= count) {
                    break;
                }
                pending = receive(from);
                save(false);
                pause();
            }
            send(to, -1, END);
            return 0;
        }

        int consume(String in, String upstream) {
            int from = queue("in", in, O_RDONLY);
            load();
            while (delivered < count) {
                receive(from);
                save(false);
                pause();
            }
            state.putLong("duplicates", duplicates);
            state.putLong("recovered", recovered);
            state.putLong("verified", delivered);
            for (String name : new String[] { in, upstream }) {
                try {
                    ipc.mqUnlink(name);
                } catch (KernelException e) {
                    if (e.errno() != Errno.ENOENT) {
                        throw e;
                    }
                }
            }
            return 0;
        }

        /**
         * Receives the next message and returns the items it delivers, in order: none (a duplicate), one, or two (a
         * gap of one repaired, then the item received). Fails the stage on anything a restart cannot explain.
         */
        private long[] receive(int mqd) {
            save(true);
            MqMessage message = ipc.mqReceive(mqd, (int) MSGSIZE);
            String[] parts = new String(message.data(), StandardCharsets.UTF_8).split(" ", 2);
            long s = Long.parseLong(parts[0]);
            if (s < 0) {
                return endReached();
            }
            int p = priority(s);
            String want = context.args().get(0).equals("consumer") ? transformed(item(s)) : item(s);
            if (message.priority() != p || !parts[1].equals(want)) {
                throw fail("item " + s + " came as '" + parts[1] + "' at priority " + message.priority() + ", not '" + want
                        + "' at " + p);
            }
            if (s == expected[p] - PRIORITIES && duplicatesAllowed > 0) {
                duplicatesAllowed--;
                duplicates++;
                return new long[0];
            }
            if (s == expected[p] + PRIORITIES && gapsAllowed > 0) {
                gapsAllowed--;
                recovered++;
                long missing = expected[p];
                expected[p] = s + PRIORITIES;
                delivered += 2;
                return new long[] { missing, s };
            }
            if (s != expected[p]) {
                throw fail("item " + s + " of priority " + p + " came when " + expected[p] + " was next");
            }
            expected[p] += PRIORITIES;
            delivered++;
            return new long[] { s };
        }

        /**
         * The upstream's END: every item has come, or each missing one is the last of its priority and the restarts
         * allow that many gaps (each restart from inside a receive allows one).
         */
        private long[] endReached() {
            long[] missing = java.util.stream.IntStream.range(0, PRIORITIES).mapToLong(p -> expected[p])
                    .filter(next -> next < count).sorted().toArray();
            boolean lastOfTheirPriority = Arrays.stream(missing).allMatch(next -> next + PRIORITIES >= count);
            if (missing.length == 0 || !lastOfTheirPriority || missing.length > gapsAllowed) {
                throw fail("END came after " + delivered + " of " + count + " items");
            }
            for (long item : missing) {
                expected[priority(item)] += PRIORITIES;
            }
            gapsAllowed -= missing.length;
            recovered += missing.length;
            delivered += missing.length;
            return missing;
        }

        private KernelException fail(String why) {
            state.putString("error", why);
            return new KernelException(Errno.EBADMSG, context.args().get(0) + ": " + why);
        }

        /**
         * The stage's progress in one saved update: expected items, counts, allowances, whether a receive is in flight
         * (so a restart from inside it allows one missing item), then the items pending forwarding.
         */
        private void save(boolean receiving) {
            long[] progress = new long[PRIORITIES + 6 + pending.length];
            System.arraycopy(expected, 0, progress, 0, PRIORITIES);
            progress[PRIORITIES] = delivered;
            progress[PRIORITIES + 1] = duplicates;
            progress[PRIORITIES + 2] = recovered;
            progress[PRIORITIES + 3] = gapsAllowed;
            progress[PRIORITIES + 4] = duplicatesAllowed;
            progress[PRIORITIES + 5] = receiving ? 1 : 0;
            System.arraycopy(pending, 0, progress, PRIORITIES + 6, pending.length);
            state.putString("progress", Arrays.toString(progress));
        }

        private void load() {
            String saved = state.getString("progress").orElse(null);
            boolean receiving = false;
            if (saved != null) {
                long[] progress = Arrays.stream(saved.substring(1, saved.length() - 1).split(", ")).mapToLong(Long::parseLong)
                        .toArray();
                System.arraycopy(progress, 0, expected, 0, PRIORITIES);
                delivered = progress[PRIORITIES];
                duplicates = progress[PRIORITIES + 1];
                recovered = progress[PRIORITIES + 2];
                gapsAllowed = progress[PRIORITIES + 3];
                duplicatesAllowed = progress[PRIORITIES + 4];
                receiving = progress[PRIORITIES + 5] == 1;
                pending = Arrays.copyOfRange(progress, PRIORITIES + 6, progress.length);
            }
            if (context.resumed()) {
                // the upstream may send its last item again; a receive in flight may have taken one item with it
                duplicatesAllowed++;
                gapsAllowed += receiving ? 1 : 0;
            }
        }
    }
}
