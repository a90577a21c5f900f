/**
 * High availability: failover policies, monitors and the event log (filled by the HA manager).
 */
@Export
@Version("0.1.0")
package dev.haven.api.ha;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
