package dev.haven.workloads;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Component;

import dev.haven.api.kernel.Errno;
import dev.haven.api.kernel.KernelException;
import dev.haven.api.streams.StrIoctl;
import dev.haven.api.streams.StrMessage;
import dev.haven.api.streams.Streams;
import dev.haven.api.workload.ProcessContext;
import dev.haven.api.workload.Workload;

/**
 * A STREAMS workload in two steps, since descriptors belong to the partition and outlive a process.
 * {@code stack setup} opens the loop driver, pushes recbuf, seqno and case, leaves two echoed records
 * waiting at the stream head, a partial record in recbuf and, with the driver's output stopped
 * (LOOP_STOP), two records waiting in the driver; then a pipe with seqno on one end and messages waiting
 * in both directions, and a second, empty pipe. It saves the descriptors it got. {@code stack drain LOOP_FD
 * PIPE_FD0 PIPE_FD1} sends the next messages, restarts the driver's output (LOOP_START) and reads
 * everything, saving what came out in order as {@code out}. {@code stack wait FD} blocks in getmsg until a
 * message comes and saves it as {@code got}; {@code stack send FD TEXT} sends one.
 */
@Component
public final class Stack implements Workload {
    /** The loop driver's ioctls (its bundle's header, as a C program would include it). */
    static final int LOOP_STOP = ('l' << 8) | 1;
    static final int LOOP_START = ('l' << 8) | 2;

    @Override
    public String name() {
        return "stack";
    }

    @Override
    public String description() {
        return "STREAMS: a loop stream with recbuf, seqno, case and pipes with messages both ways; args: setup | drain LOOP_FD PIPE_FD0 PIPE_FD1 | wait FD | send FD TEXT";
    }

    private static byte[] b(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public int run(ProcessContext context) {
        List<String> args = context.args();
        Streams streams = context.kernel().extension(Streams.class);
        if (args.size() == 1 && args.get(0).equals("setup")) {
            if (context.state().getString("fds").isEmpty()) {
                context.state().putString("fds", setup(streams));
            }
            return 0;
        }
        if (args.size() == 4 && args.get(0).equals("drain")) {
            if (context.state().getString("out").isEmpty()) {
                int loop = (int) Arguments.nonNegativeLong(args.get(1), "LOOP_FD");
                int pipe0 = (int) Arguments.nonNegativeLong(args.get(2), "PIPE_FD0");
                int pipe1 = (int) Arguments.nonNegativeLong(args.get(3), "PIPE_FD1");
                context.state().putString("out", drain(streams, loop, pipe0, pipe1));
            }
            return 0;
        }
        if (args.size() == 2 && args.get(0).equals("wait")) {
            if (context.state().getString("got").isEmpty()) {
                int fd = (int) Arguments.nonNegativeLong(args.get(1), "FD");
                StrMessage message = streams.getmsg(fd, 256, 256, 0, Streams.MSG_ANY);
                context.state().putString("got", show(fd, message));
            }
            return 0;
        }
        if (args.size() == 3 && args.get(0).equals("send")) {
            streams.write((int) Arguments.nonNegativeLong(args.get(1), "FD"), b(args.get(2)));
            return 0;
        }
        throw new KernelException(Errno.EINVAL, "stack takes 'setup', 'drain LOOP_FD PIPE_FD0 PIPE_FD1', 'wait FD' or 'send FD TEXT', not "
                + args);
    }

    private static String setup(Streams streams) {
        int loop = streams.open("loop", Streams.O_RDWR | Streams.O_NONBLOCK);
        streams.push(loop, "recbuf");
        streams.push(loop, "seqno");
        streams.push(loop, "case");
        streams.write(loop, b("alpha\n"));
        streams.write(loop, b("beta\n"));
        streams.write(loop, b("partial "));
        streams.str(loop, new StrIoctl(LOOP_STOP, new byte[0]));
        streams.write(loop, b("gamma\n"));
        streams.write(loop, b("delta\n"));
        int[] pipe = streams.pipe();
        streams.push(pipe[1], "seqno");
        streams.putmsg(pipe[0], null, b("ping one"), 0, 0);
        streams.putmsg(pipe[0], b("urgent"), b("ping two"), 2, Streams.MSG_BAND);
        streams.write(pipe[1], b("pong"));
        int[] quiet = streams.pipe();
        return loop + " " + pipe[0] + " " + pipe[1] + " " + quiet[0] + " " + quiet[1];
    }

    private static String drain(Streams streams, int loop, int pipe0, int pipe1) {
        streams.write(loop, b("epsilon\n"));
        streams.str(loop, new StrIoctl(LOOP_START, new byte[0]));
        streams.putmsg(pipe0, null, b("ping three"), 0, 0);
        streams.write(pipe1, b("pong again"));
        List<String> out = new ArrayList<>();
        while (true) {
            try {
                out.add(show(loop, streams.getmsg(loop, 256, 256, 0, Streams.MSG_ANY)));
            } catch (KernelException empty) {
                if (empty.errno() != Errno.EAGAIN) {
                    throw empty;
                }
                break;
            }
        }
        for (int fd : new int[] { pipe1, pipe0 }) {
            while (streams.nread(fd)[0] > 0) {
                out.add(show(fd, streams.getmsg(fd, 256, 256, 0, Streams.MSG_ANY)));
            }
        }
        return String.join(" / ", out);
    }

    private static String show(int fd, StrMessage message) {
        String control = message.control() == null ? "" : new String(message.control(), StandardCharsets.US_ASCII) + ":";
        String data = message.data() == null ? "" : new String(message.data(), StandardCharsets.US_ASCII);
        return fd + "<" + (message.band() == 0 ? "" : "b" + message.band() + " ") + control + data.replace("\n", "\\n") + ">";
    }
}
