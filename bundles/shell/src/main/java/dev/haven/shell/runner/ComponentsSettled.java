package dev.haven.shell.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Waits until SCR has satisfied every component of Haven's bundles. The framework reports STARTED
 * when its bundles are started, but SCR may still be registering their services (the firmware driver
 * among them): a script's first command must not run into "no firmware driver is installed".
 */
final class ComponentsSettled {
    private static final String HAVEN_BUNDLES = "dev.haven.";

    private ComponentsSettled() {
    }

    /** Empty once everything is satisfied; otherwise, after the timeout, the names of what is not. */
    static Optional<List<String>> await(BundleContext context, ServiceComponentRuntime scr, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (true) {
            List<String> unsatisfied = unsatisfied(context, scr);
            if (unsatisfied.isEmpty()) {
                return Optional.empty();
            }
            if (System.nanoTime() > deadline) {
                return Optional.of(unsatisfied);
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    private static List<String> unsatisfied(BundleContext context, ServiceComponentRuntime scr) {
        List<String> names = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            String symbolicName = bundle.getSymbolicName();
            if (bundle.getState() != Bundle.ACTIVE || symbolicName == null || !symbolicName.startsWith(HAVEN_BUNDLES)) {
                continue;
            }
            var descriptions = scr.getComponentDescriptionDTOs(bundle);
            // SCR picks bundles up on its own thread: a started bundle may not have been read yet.
            if (descriptions.isEmpty() && bundle.getHeaders().get("Service-Component") != null) {
                names.add(symbolicName + " (not yet read by SCR)");
                continue;
            }
            for (ComponentDescriptionDTO description : descriptions) {
                if (!scr.isComponentEnabled(description)) {
                    continue;
                }
                var configurations = scr.getComponentConfigurationDTOs(description);
                // A component that requires a configuration nobody gave it is waiting on purpose.
                if (configurations.isEmpty() && "require".equals(description.configurationPolicy)) {
                    continue;
                }
                boolean satisfied = !configurations.isEmpty() && configurations.stream()
                        .allMatch(configuration -> configuration.state == ComponentConfigurationDTO.SATISFIED
                                || configuration.state == ComponentConfigurationDTO.ACTIVE);
                if (!satisfied) {
                    names.add(description.name);
                }
            }
        }
        return names;
    }
}
