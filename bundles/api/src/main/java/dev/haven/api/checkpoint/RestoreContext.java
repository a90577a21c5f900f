package dev.haven.api.checkpoint;

import java.util.Objects;

import dev.haven.api.firmware.NodeKernel;
import dev.haven.api.partition.PartitionSpec;

/**
 * The partition being restored.
 *
 * @param partition the name it is restored under (may differ from the image's)
 * @param image the header of the image it comes from
 * @param node the target node
 * @param kernel the target node's kernel, where real ids are allocated afresh
 * @param spec its spec
 */
public record RestoreContext(String partition, ImageHeader image, String node, NodeKernel kernel, PartitionSpec spec) {
    public RestoreContext {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(spec, "spec");
    }
}
