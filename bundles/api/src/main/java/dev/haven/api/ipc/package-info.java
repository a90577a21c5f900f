/**
 * System V IPC inside a partition, as Linux has it: message queues, semaphore sets and shared memory with keys, virtual ids, ipc_perm and errno semantics. POSIX IPC follows.
 */
@Export
@Version("1.0.0")
package dev.haven.api.ipc;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
