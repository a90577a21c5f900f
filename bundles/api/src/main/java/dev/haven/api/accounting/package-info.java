/**
 * Advanced accounting: global and per-partition engines (filled by the accounting engine).
 */
@Export
@Version("0.1.0")
package dev.haven.api.accounting;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
