/**
 * Pseudo-terminals on STREAMS: the system calls ({@link dev.haven.api.pty.Pty}), the termios and window size
 * they carry, and the operator's view ({@link dev.haven.api.pty.PtyAdmin}).
 */
@Export
@Version("1.0.0")
package dev.haven.api.pty;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
