/**
 * The workload SPI: Java code registered as a service by name and run as processes inside partitions.
 */
@Export
@Version("1.0.0")
package dev.haven.api.workload;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
