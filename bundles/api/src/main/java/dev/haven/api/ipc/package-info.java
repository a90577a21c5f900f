/**
 * System V and POSIX IPC inside a partition (filled by the IPC virtualizer).
 */
@Export
@Version("0.1.0")
package dev.haven.api.ipc;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
