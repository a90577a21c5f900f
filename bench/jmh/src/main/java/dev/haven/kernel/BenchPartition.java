package dev.haven.kernel;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import dev.haven.api.accounting.ProcessMeter;
import dev.haven.api.firmware.IdSpace;
import dev.haven.api.firmware.Lease;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.kernel.Credentials;
import dev.haven.api.kernel.KernelExtension;
import dev.haven.api.kernel.PartitionKernel;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.PartitionState;

/**
 * An active partition whose processes are the benchmark's own threads: each call a benchmark makes runs
 * the kernel's real call path (the partition's freeze gate, the process's extension binding) into the
 * real subsystem, as a workload's call does, without a workload thread in between. It lives in the
 * kernel's package because that path is the kernel's own, not an API.
 */
public final class BenchPartition {
    private final Partition partition;
    private final List<KernelExtension<?>> extensions;

    public BenchPartition(String name, KernelExtension<?>... extensions) {
        this.extensions = List.of(extensions);
        this.partition = new Partition(name, "node1", new PartitionSpec(true, Map.of()), PartitionState.ACTIVE, Optional.empty());
        partition.attach(new BenchLease(name), new BenchNode());
    }

    /** A new process of the partition, to be driven by exactly one thread. */
    public PartitionKernel process() {
        KernelProcess process = new KernelProcess(partition, partition.allocateVpid(), 1000 + partition.peekNextVpid(),
                "bench", List.of(), Credentials.ROOT, Instant.now(), new ProcessSavedState(1 << 20), false);
        partition.add(process);
        return new ProcessKernel(process, type -> extensions.stream().filter(extension -> extension.type() == type).findFirst()
                .map(extension -> (KernelExtension<?>) extension), ProcessMeter.NONE);
    }

    /** Real ids from a counter, as the simulated firmware's node kernel hands them out. */
    private static final class BenchNode implements NodeKernel {
        private final AtomicInteger next = new AtomicInteger(32768);

        @Override
        public String node() {
            return "node1";
        }

        @Override
        public long boot() {
            return 1;
        }

        @Override
        public int allocate(IdSpace space) {
            return next.getAndIncrement();
        }

        @Override
        public void release(IdSpace space, int id) {
        }

        @Override
        public int allocated(IdSpace space) {
            return next.get() - 32768;
        }
    }

    private record BenchLease(String partition) implements Lease {
        @Override
        public String node() {
            return "node1";
        }

        @Override
        public long epoch() {
            return 1;
        }

        @Override
        public boolean valid() {
            return true;
        }

        @Override
        public void release() {
        }
    }
}
