/**
 * System V IPC inside a partition, as Linux has it: message queues, semaphore sets and shared memory with keys, virtual ids, ipc_perm and errno semantics; POSIX named semaphores, message queues and shared memory objects with names per partition and virtual handles.
 */
@Export
@Version("1.1.0")
package dev.haven.api.ipc;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
