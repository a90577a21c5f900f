package dev.haven.kernel;

import java.lang.annotation.Annotation;

/** Kernel configuration for unit tests, with short timeouts. */
final class TestConfig implements KernelConfig {
    private final long freezeTimeout;

    TestConfig(long freezeTimeout) {
        this.freezeTimeout = freezeTimeout;
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return KernelConfig.class;
    }

    @Override
    public long freeze_timeout_ms() {
        return freezeTimeout;
    }

    @Override
    public long stop_timeout_ms() {
        return 5000;
    }

    @Override
    public int processes_max() {
        return 4;
    }

    @Override
    public long state_max() {
        return 1024;
    }
}
