/**
 * The cluster of runtimes coordinated by ZooKeeper: members, the leader, partition ownership with epochs.
 */
@Export
@Version("1.0.0")
package dev.haven.api.cluster;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
