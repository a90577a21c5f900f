package dev.haven.pty;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.haven.api.firmware.IdSpace;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.SystemCalls;
import dev.haven.api.pty.Pty;
import dev.haven.api.pty.Termios;
import dev.haven.api.streams.Streams;
import dev.haven.streams.StreamsFramework;

/**
 * bench/pty: raw-mode one-byte round trips through a Haven pty (ptm, pts with ptem and ldterm): the main
 * thread writes a byte to the master and reads it back; an echo thread, blocked in read on the slave,
 * writes it back. Calls go straight to the framework (no freeze gate around them). Prints, per round,
 * "rtt COUNT SECONDS". Compiled in package dev.haven.pty to reach the subsystem's test constructor.
 */
public final class PtyBench {
    static final class Process implements SystemCalls {
        private static final AtomicInteger IDS = new AtomicInteger(1);
        private static final NodeKernel NODE = new NodeKernel() {
            public String node() {
                return "bench";
            }

            public long boot() {
                return 1;
            }

            public int allocate(IdSpace space) {
                return IDS.getAndIncrement();
            }

            public void release(IdSpace space, int id) {
            }

            public int allocated(IdSpace space) {
                return 0;
            }
        };
        private final int pid;

        Process(int pid) {
            this.pid = pid;
        }

        public String partition() {
            return "bench";
        }

        public int pid() {
            return pid;
        }

        public Credentials credentials() {
            return new Credentials(0, 0);
        }

        public NodeKernel node() {
            return NODE;
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

    public static void main(String[] args) throws Exception {
        long count = Long.parseLong(args[0]);
        int rounds = Integer.parseInt(args[1]);
        StreamsFramework framework = new StreamsFramework();
        PtySubsystem subsystem = new PtySubsystem(framework, framework);
        subsystem.drivers().forEach(d -> framework.addDriver(d, Map.of()));
        subsystem.modules().forEach(m -> framework.addModule(m, Map.of()));
        Process main = new Process(1);
        Pty pty = subsystem.bind(main);
        Streams streams = framework.bind(main);
        int master = pty.openpt();
        pty.unlockpt(master);
        int slave = pty.openpts(pty.ptsname(master));
        pty.tcsetattr(slave, Termios.TCSANOW, pty.tcgetattr(slave).raw());
        Streams echo = framework.bind(new Process(2));
        long total = 1000 + count * (rounds + 1);
        Thread echoer = new Thread(() -> {
            byte[] b = new byte[1];
            for (long i = 0; i < total; i++) {
                echo.read(slave, b, 0, 1);
                echo.write(slave, b);
            }
        });
        echoer.setDaemon(true);
        echoer.start();
        byte[] c = { 'x' };
        byte[] in = new byte[1];
        for (int r = -1; r < rounds; r++) {
            long n = r < 0 ? 1000 + count : count; // round -1 warms up
            long start = System.nanoTime();
            for (long i = 0; i < n; i++) {
                streams.write(master, c);
                if (streams.read(master, in, 0, 1) != 1) {
                    throw new IllegalStateException("short read");
                }
            }
            double took = (System.nanoTime() - start) / 1e9;
            if (r >= 0) {
                System.out.printf("rtt %d %.6f%n", n, took);
            }
        }
    }
}
