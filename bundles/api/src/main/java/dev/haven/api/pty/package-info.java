/**
 * Pseudo-terminals on STREAMS (filled by the pty subsystem).
 */
@Export
@Version("0.1.0")
package dev.haven.api.pty;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
