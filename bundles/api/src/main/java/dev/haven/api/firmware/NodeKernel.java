package dev.haven.api.firmware;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The real kernel of one node: the owner of its real id spaces. Ids follow Linux's shape: IPC ids
 * are {@code sequence * 32768 + slot} so a reused slot gets a new id, pids count up and wrap.
 */
@ProviderType
public interface NodeKernel {

    /** The node's name. */
    String node();

    /** The boot this kernel belongs to; see {@link NodeInfo#boot()}. */
    long boot();

    /**
     * Allocates a fresh real id.
     *
     * @throws FirmwareException NODE_DOWN if the node is down, EXHAUSTED if the space is full
     */
    int allocate(IdSpace space);

    /** Returns a real id to its space; releasing an id not allocated in this boot does nothing. */
    void release(IdSpace space, int id);

    /** How many ids of the space are allocated now. */
    int allocated(IdSpace space);
}
