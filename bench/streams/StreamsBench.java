import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.Arrays;
import java.util.function.Supplier;

import dev.haven.api.firmware.IdSpace;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.SystemCalls;
import dev.haven.api.streams.Streams;
import dev.haven.streams.StreamsFramework;

/**
 * bench/streams/run's Java side: a writer thread writes COUNT messages of SIZE bytes into a STREAMS pipe
 * (the framework's pipe(), write(2) and read(2) into a buffer, in byte-stream mode), a reader thread reads them back
 * SIZE bytes at a time; the same over a java.nio Pipe. Prints "streams SIZE COUNT SECONDS" and
 * "nio SIZE COUNT SECONDS", each the median of ROUNDS after one warm-up round.
 */
public final class StreamsBench {
    /** One process of a partition, calling the framework directly: no kernel (its freeze gate) in between. */
    static final class Caller implements SystemCalls {
        private final NodeKernel node = new Node();

        public String partition() {
            return "bench";
        }

        public int pid() {
            return 1;
        }

        public Credentials credentials() {
            return Credentials.ROOT;
        }

        public NodeKernel node() {
            return node;
        }

        public long limit(String name, long defaultValue) {
            return defaultValue;
        }

        public <T> T call(String name, Supplier<T> body) {
            return body.get();
        }

        public void park() {
        }

        public void unpark() {
        }
    }

    /** A node kernel that only counts stream ids. */
    static final class Node implements NodeKernel {
        private int next = 1;

        public String node() {
            return "bench";
        }

        public long boot() {
            return 1;
        }

        public synchronized int allocate(IdSpace space) {
            return next++;
        }

        public void release(IdSpace space, int id) {
        }

        public int allocated(IdSpace space) {
            return 0;
        }
    }

    interface Run {
        double seconds(int size, int count) throws Exception;
    }

    static double streams(int size, int count) throws Exception {
        Streams streams = new StreamsFramework().bind(new Caller());
        int[] fds = streams.pipe();
        byte[] message = new byte[size];
        Arrays.fill(message, (byte) 'x');
        byte[] buffer = new byte[size];
        long total = (long) size * count;
        Thread writer = new Thread(() -> {
            for (int i = 0; i < count; i++) {
                streams.write(fds[0], message);
            }
        });
        long begin = System.nanoTime();
        writer.start();
        long got = 0;
        while (got < total) {
            got += streams.read(fds[1], buffer, 0, size);
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        writer.join();
        streams.close(fds[0]);
        streams.close(fds[1]);
        return seconds;
    }

    static double nio(int size, int count) throws Exception {
        Pipe pipe = Pipe.open();
        long total = (long) size * count;
        Thread writer = new Thread(() -> {
            ByteBuffer message = ByteBuffer.allocate(size);
            try {
                for (int i = 0; i < count; i++) {
                    message.clear();
                    while (message.hasRemaining()) {
                        pipe.sink().write(message);
                    }
                }
            } catch (java.io.IOException e) {
                throw new RuntimeException(e);
            }
        });
        ByteBuffer buffer = ByteBuffer.allocate(size);
        long begin = System.nanoTime();
        writer.start();
        long got = 0;
        while (got < total) {
            buffer.clear();
            got += pipe.source().read(buffer);
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        writer.join();
        pipe.sink().close();
        pipe.source().close();
        return seconds;
    }

    static double median(Run run, int size, int count, int rounds) throws Exception {
        run.seconds(size, count);
        double[] times = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            times[i] = run.seconds(size, count);
        }
        Arrays.sort(times);
        return times[rounds / 2];
    }

    public static void main(String[] args) throws Exception {
        int size = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        System.out.printf("streams %d %d %.6f%n", size, count, median(StreamsBench::streams, size, count, rounds));
        System.out.printf("nio %d %d %.6f%n", size, count, median(StreamsBench::nio, size, count, rounds));
    }
}
