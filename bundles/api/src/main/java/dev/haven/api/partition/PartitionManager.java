package dev.haven.api.partition;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import dev.haven.api.kernel.Credentials;

/**
 * Creates, runs and removes partitions on the nodes of the active firmware driver. Definitions
 * persist under {@code haven.home}, so a restarted runtime lists its partitions again (stopped).
 * Every method either does all it says or throws {@link PartitionException} and changes nothing.
 */
@ProviderType
public interface PartitionManager {

    /**
     * Defines a partition on a node; it starts in {@link PartitionState#DEFINED}.
     *
     * @param name {@code [a-z][a-z0-9-]{0,30}}
     * @param node a node of the active firmware driver
     * @throws PartitionException INVALID_NAME, DUPLICATE, UNKNOWN_NODE, NO_FIRMWARE, IO_ERROR
     */
    PartitionInfo create(String name, String node, PartitionSpec spec);

    /** All partitions, by name. */
    List<PartitionInfo> list();

    /** The partition of that name, if defined. */
    Optional<PartitionInfo> get(String name);

    /**
     * Starts a defined, stopped or broken partition on its node.
     *
     * @throws PartitionException UNKNOWN_PARTITION, WRONG_STATE (already running), NODE_DOWN, NO_FIRMWARE
     */
    PartitionInfo start(String name);

    /**
     * Stops a running or broken partition: its processes are killed and its kernel objects released.
     *
     * @throws PartitionException UNKNOWN_PARTITION, WRONG_STATE (not running)
     */
    PartitionInfo stop(String name);

    /**
     * Removes a partition that is not running, with its definition.
     *
     * @throws PartitionException UNKNOWN_PARTITION, WRONG_STATE (running: stop it first)
     */
    void destroy(String name);

    /**
     * Starts a process of a workload in an active partition.
     *
     * @return the new process's virtual pid
     * @throws PartitionException UNKNOWN_PARTITION, WRONG_STATE, UNKNOWN_WORKLOAD, LIMIT ({@code processes.max})
     */
    int spawn(String name, String workload, List<String> args, Credentials credentials);

    /** The processes of a partition, live and ended, by vpid. */
    List<ProcessInfo> processes(String name);

    /**
     * Kills a live process, as {@code kill -KILL}.
     *
     * @throws PartitionException UNKNOWN_PARTITION, UNKNOWN_PROCESS, WRONG_STATE (already ended)
     */
    ProcessInfo kill(String name, int vpid);

    /**
     * Waits until a process has ended, as {@code waitpid(2)} without reaping: the process stays listed.
     *
     * @return the ended process
     * @throws PartitionException UNKNOWN_PARTITION, UNKNOWN_PROCESS, TIMEOUT (still running after {@code timeout})
     */
    ProcessInfo waitFor(String name, int vpid, java.time.Duration timeout);

    /**
     * The partition's heartbeat, a count that only grows: the kernel calls its processes have made, plus
     * one per look while every live process waits inside a kernel call (idle is not stuck). A partition
     * with live processes whose count stops moving is hung.
     *
     * @throws PartitionException UNKNOWN_PARTITION
     */
    long kernelCalls(String name);

    /**
     * Marks a partition that is not running as BROKEN, with the reason an operator or the HA manager gave
     * up on it; it stays defined and can be started again.
     *
     * @throws PartitionException UNKNOWN_PARTITION, WRONG_STATE (it is running: stop it first)
     */
    PartitionInfo markBroken(String name, String reason);

    /** The names of the workloads that can be spawned. */
    List<String> workloads();
}
