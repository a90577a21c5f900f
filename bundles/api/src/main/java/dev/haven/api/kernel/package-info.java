/**
 * The partition kernel: the system-call surface a workload sees, with POSIX errno semantics. Every call is a safe point.
 */
@Export
@Version("1.2.0")
package dev.haven.api.kernel;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
