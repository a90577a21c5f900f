/**
 * STREAMS: stream heads, queues, modules and drivers as services (filled by the STREAMS framework).
 */
@Export
@Version("0.1.0")
package dev.haven.api.streams;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
