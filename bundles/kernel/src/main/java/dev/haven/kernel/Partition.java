package dev.haven.kernel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

import dev.haven.api.firmware.Lease;
import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.partition.PartitionEvent;
import dev.haven.api.partition.PartitionInfo;
import dev.haven.api.partition.PartitionSpec;
import dev.haven.api.partition.PartitionState;

/**
 * One partition: its definition, its state machine and its processes. State fields are guarded by
 * this object's monitor; the freeze gate has its own lock, never taken while holding this one for
 * longer than a call that does not block.
 */
final class Partition {
    private final String name;
    private final FreezeGate gate = new FreezeGate();
    private final Map<Integer, KernelProcess> processes = new ConcurrentSkipListMap<>();

    // guarded by this
    private String node;
    private PartitionSpec spec;
    private PartitionState state;
    private String reason;
    private Instant since;
    /** Volatile, not guarded: kernel calls read it under the freeze gate's lock, which must not wait for this monitor. */
    private volatile Lease lease;
    private NodeKernel kernel;
    private int nextVpid = 1;

    Partition(String name, String node, PartitionSpec spec, PartitionState state, Optional<String> reason) {
        this.name = name;
        this.node = node;
        this.spec = spec;
        this.state = state;
        this.reason = reason.orElse(null);
        this.since = Instant.now();
    }

    String name() {
        return name;
    }

    FreezeGate gate() {
        return gate;
    }

    synchronized String node() {
        return node;
    }

    synchronized PartitionSpec spec() {
        return spec;
    }

    synchronized PartitionState state() {
        return state;
    }

    synchronized Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    synchronized NodeKernel kernel() {
        return kernel;
    }

    Lease lease() {
        return lease;
    }

    /** Whether the partition may run kernel calls: it holds a lease that the firmware has not ended. */
    boolean leaseValid() {
        Lease current = lease;
        return current != null && current.valid();
    }

    /** Moves to a new state and returns the event to publish (after the caller has let go of locks). */
    synchronized PartitionEvent transition(PartitionState to, String why) {
        PartitionState from = state;
        state = to;
        reason = why;
        since = Instant.now();
        return new PartitionEvent(name, node, Optional.of(from), Optional.of(to), Optional.ofNullable(why), since);
    }

    synchronized void attach(Lease newLease, NodeKernel newKernel) {
        lease = newLease;
        kernel = newKernel;
    }

    /** Forgets the lease (after releasing it, or after the firmware ended it). */
    synchronized Lease detach() {
        Lease old = lease;
        lease = null;
        kernel = null;
        return old;
    }

    /** Puts the partition on another node, with the spec it is restored with. */
    synchronized void relocate(String newNode, PartitionSpec newSpec) {
        node = newNode;
        spec = newSpec;
    }

    synchronized int allocateVpid() {
        while (processes.containsKey(nextVpid)) {
            nextVpid++;
        }
        return nextVpid++;
    }

    /** Restores the vpid counter so new processes after a restart do not reuse restored vpids. */
    synchronized void reserveVpidsBelow(int next) {
        nextVpid = Math.max(nextVpid, next);
    }

    synchronized int peekNextVpid() {
        return nextVpid;
    }

    void add(KernelProcess process) {
        processes.put(process.vpid(), process);
    }

    Optional<KernelProcess> process(int vpid) {
        return Optional.ofNullable(processes.get(vpid));
    }

    Collection<KernelProcess> processes() {
        return processes.values();
    }

    List<KernelProcess> liveProcesses() {
        List<KernelProcess> live = new ArrayList<>();
        for (KernelProcess process : processes.values()) {
            if (process.alive()) {
                live.add(process);
            }
        }
        return live;
    }

    /** Forgets ended processes of an earlier run and restarts vpid numbering. */
    synchronized void clearProcesses() {
        processes.clear();
        nextVpid = 1;
    }

    synchronized PartitionInfo info() {
        int alive = 0;
        for (KernelProcess process : processes.values()) {
            if (process.running()) {
                alive++;
            }
        }
        return new PartitionInfo(name, node, state, spec, alive, Optional.ofNullable(reason), since);
    }
}
