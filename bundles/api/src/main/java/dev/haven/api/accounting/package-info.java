/**
 * Advanced accounting (US20080294537): a global engine for the node and across partitions and one engine per
 * partition, each enabled separately and recording only the resources selected for it; process, interval and
 * summary records in bounded buffers, written to pre-allocated accounting files. The kernel and the kernel
 * subsystems report usage through the small metering SPI ({@link dev.haven.api.accounting.UsageSink},
 * {@link dev.haven.api.accounting.ProcessMeter}, {@link dev.haven.api.accounting.ResourceGauge}); they never
 * depend on the accounting bundle, and without it metering costs nothing.
 */
@Export
@Version("1.0.0")
package dev.haven.api.accounting;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
