/**
 * Partition management firmware: the driver SPI behind which nodes, their real id spaces, placement and fencing live.
 */
@Export
@Version("1.0.0")
package dev.haven.api.firmware;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
