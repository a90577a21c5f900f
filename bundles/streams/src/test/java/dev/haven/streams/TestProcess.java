package dev.haven.streams;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.haven.api.accounting.Resource;
import dev.haven.api.firmware.IdSpace;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.SystemCalls;
import dev.haven.api.streams.Streams;
import dev.haven.streams.modules.CaseModule;
import dev.haven.streams.modules.LoopDriver;
import dev.haven.streams.modules.MuxDriver;
import dev.haven.streams.modules.RecordModule;
import dev.haven.streams.modules.SequenceModule;

/**
 * A process as the STREAMS framework sees it, for unit tests: the kernel's freeze gate is tested in the
 * kernel bundle, so calls run straight through; parks and unparks are counted.
 */
public final class TestProcess implements SystemCalls {
    /** A node kernel whose real ids start far from the virtual ones. */
    public static final class Node implements NodeKernel {
        private final String name;
        private final AtomicInteger next;
        public final Map<Integer, IdSpace> allocated = new ConcurrentHashMap<>();

        public Node(String name, int first) {
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

    final String partition;
    final int pid;
    final Node node;
    final Map<String, Long> limits;
    public final Streams streams;
    public final AtomicInteger parks = new AtomicInteger();
    /** What the process was told it used, as accounting would record it. */
    public final Map<Resource, Long> used = new java.util.EnumMap<>(Resource.class);

    public TestProcess(StreamsFramework framework, String partition, int pid, Node node, Map<String, Long> limits) {
        this.partition = partition;
        this.pid = pid;
        this.node = node;
        this.limits = limits;
        this.streams = framework.bind(this);
    }

    /** A framework with every sample module and driver registered. */
    public static StreamsFramework framework() {
        StreamsFramework framework = new StreamsFramework();
        framework.addModule(new SequenceModule(), Map.of());
        framework.addModule(new RecordModule(), Map.of());
        framework.addModule(new CaseModule(), Map.of());
        framework.addDriver(new LoopDriver(), Map.of());
        framework.addDriver(new MuxDriver(), Map.of());
        return framework;
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
        return limits.getOrDefault(name, defaultValue);
    }

    public <T> T call(String name, Supplier<T> body) {
        return body.get();
    }

    public void usage(Resource resource, long amount) {
        used.merge(resource, amount, Long::sum);
    }

    @Override
    public void park() {
        parks.incrementAndGet();
    }

    public void unpark() {
    }
}
