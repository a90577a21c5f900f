package dev.haven.ipc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.haven.api.firmware.IdSpace;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.ipc.SysVIpc;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.SystemCalls;

/**
 * A process as the IPC virtualizer sees it, for unit tests: the kernel's freeze gate is tested in the
 * kernel bundle, so calls here run straight through.
 */
final class TestProcess implements SystemCalls {
    /** A node kernel whose real ids start far from the virtual ones, so tests can tell them apart. */
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

    final String partition;
    final int pid;
    final Credentials credentials;
    final Node node;
    final Map<String, Long> limits;
    final SysVIpc ipc;

    TestProcess(IpcVirtualizer virtualizer, String partition, int pid, Credentials credentials, Node node, Map<String, Long> limits) {
        this.partition = partition;
        this.pid = pid;
        this.credentials = credentials;
        this.node = node;
        this.limits = limits;
        this.ipc = virtualizer == null ? null : virtualizer.bind(this);
    }

    /** This process's POSIX IPC calls, through the given virtualizer. */
    dev.haven.api.ipc.PosixIpc posix(PosixVirtualizer virtualizer) {
        return virtualizer.bind(this);
    }

    public String partition() {
        return partition;
    }

    public int pid() {
        return pid;
    }

    public Credentials credentials() {
        return credentials;
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

    public void park() {
    }

    public void unpark() {
    }
}
