package dev.haven.streams.checkpoint;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.haven.api.firmware.IdSpace;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.SystemCalls;
import dev.haven.api.streams.Streams;
import dev.haven.streams.StreamsFramework;

/** A process of partition p1 calling STREAMS straight (the freeze gate is the kernel's to test); parks are counted. */
final class Process implements SystemCalls {
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

    final Node node;
    final Streams streams;
    final AtomicInteger parks = new AtomicInteger();

    Process(StreamsFramework framework, Node node) {
        this.node = node;
        this.streams = framework.bind(this);
    }

    public String partition() {
        return "p1";
    }

    public int pid() {
        return 1;
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
        parks.incrementAndGet();
    }

    public void unpark() {
    }
}
