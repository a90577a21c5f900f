package dev.haven.kernel;

import java.nio.file.Path;

import org.osgi.framework.BundleContext;

/** Where Haven keeps its state: the {@code haven.home} property, else {@code var} under the working directory. */
final class HavenHome {
    static final String PROPERTY = "haven.home";

    private HavenHome() {
    }

    static Path of(BundleContext context) {
        String configured = context.getProperty(PROPERTY);
        return Path.of(configured == null || configured.isBlank() ? "var" : configured).toAbsolutePath();
    }
}
