package dev.haven.kernel;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Haven kernel", description = "Partition manager and process model")
@interface KernelConfig {

    @AttributeDefinition(description = "How long a freeze waits for kernel calls in flight before giving up (ms)")
    long freeze_timeout_ms() default 5000;

    @AttributeDefinition(description = "How long stopping a partition or killing a process waits for it to end (ms)")
    long stop_timeout_ms() default 5000;

    @AttributeDefinition(description = "Live processes per partition when its spec sets no processes.max")
    int processes_max() default 1024;

    @AttributeDefinition(description = "Bytes of saved state per process when its spec sets no state.max")
    long state_max() default 1048576;
}
