/**
 * Checkpoint and restart: the participant SPI each kind of kernel object implements, the image model and the image store.
 */
@Export
@Version("1.1.0")
package dev.haven.api.checkpoint;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
