/**
 * High availability after US8135985: per-partition failover policies, the consistency-image / boot-image escalation ladder and its persisted event log.
 */
@Export
@Version("1.1.0")
package dev.haven.api.ha;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
