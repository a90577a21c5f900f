/**
 * Partitions: creation, lifecycle, processes and their events, as operators and embedding firmware see them.
 */
@Export
@Version("1.1.0")
package dev.haven.api.partition;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
