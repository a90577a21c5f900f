package dev.haven.pty;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.haven.api.firmware.IdSpace;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.SystemCalls;
import dev.haven.api.pty.Pty;
import dev.haven.api.streams.Streams;
import dev.haven.streams.StreamsFramework;

/** A process as the pty subsystem sees it, for unit tests: calls run straight through (the freeze gate is the kernel's, tested there). */
final class TestProcess implements SystemCalls {
    /** A node kernel whose real ids start far from the virtual ones. */
    static final class Node implements NodeKernel {
        private final String name;
        private final AtomicInteger next;
        final Map<Integer, IdSpace> allocated = new ConcurrentHashMap<>();

        Node(String name, int first) {
            this.name = name;
            this.next = new AtomicInteger(first);
        }

        public String node() {
            return name;
        }

        public long boot() {
            return 1;
        }

        public int allocate(IdSpace space) {
            int id = next.getAndIncrement();
            allocated.put(id, space);
            return id;
        }

        public void release(IdSpace space, int id) {
            allocated.remove(id);
        }

        public int allocated(IdSpace space) {
            return (int) allocated.values().stream().filter(space::equals).count();
        }
    }

    /** A STREAMS framework with the pty drivers and modules of {@code subsystem}, as the runtime has them. */
    static final class World {
        final StreamsFramework framework = new StreamsFramework();
        final PtySubsystem subsystem = new PtySubsystem(framework, framework);

        World() {
            subsystem.drivers().forEach(d -> framework.addDriver(d, Map.of()));
            subsystem.modules().forEach(m -> framework.addModule(m, Map.of()));
        }

        TestProcess process(String partition, int pid, Node node) {
            return new TestProcess(this, partition, pid, node);
        }
    }

    final String partition;
    final int pid;
    final Node node;
    final Streams streams;
    final Pty pty;

    TestProcess(World world, String partition, int pid, Node node) {
        this.partition = partition;
        this.pid = pid;
        this.node = node;
        this.streams = world.framework.bind(this);
        this.pty = world.subsystem.bind(this);
    }

    public String partition() {
        return partition;
    }

    public int pid() {
        return pid;
    }

    public Credentials credentials() {
        return new Credentials(1000, 100);
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
