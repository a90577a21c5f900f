package dev.haven.shell.runner;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.felix.gogo.runtime.SyntaxError;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/**
 * Runs {@code runtime/bin/haven run FILE} and {@code runtime/bin/haven -c 'COMMANDS'}.
 *
 * <p>When the framework property {@value #SCRIPT} (a file) or {@value #COMMAND} (a command string) is
 * set, it waits until the framework has started (so every bundle, and so every command, is there:
 * the shell of gogo.jline starts at a higher start level than Haven's bundles),
 * then executes the statements one at a time in one Gogo session, printing each result on stdout. It
 * stops at the first failing statement with {@code error: STATEMENT: MESSAGE} on stderr and exits the
 * JVM with status 1, or with 0 when every statement succeeded. Without either property it does nothing.
 *
 * <p>The JVM always exits once the run ends, whatever is thrown: a framework left running after a
 * failed script would look like a hang to the user and to CI.
 */
@Component(immediate = true)
public final class ScriptRunner implements FrameworkListener {
    static final String SCRIPT = "haven.script";
    static final String COMMAND = "haven.command";

    /** How long the JVM's shutdown (stopping the framework) may take before it is halted. */
    private static final long EXIT_GRACE_MILLIS = 10_000;
    /** How long to wait for Haven's components to be satisfied before running anyway. */
    private static final long SETTLE_MILLIS = 5_000;

    private final BundleContext context;
    private final CommandProcessor processor;
    private final String script;
    private final String command;
    private final AtomicBoolean launched = new AtomicBoolean();
    /** The status the run ended with, for the exit watchdog. */
    private final CompletableFuture<Integer> exitStatus = new CompletableFuture<>();

    // Gogo's ThreadIO replaces System.out/err/in with per-thread dispatchers; handing those to a
    // session would make them dispatch to themselves. The runner writes to the process's own streams.
    private final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    private final InputStream in = new FileInputStream(FileDescriptor.in);

    private final ServiceComponentRuntime components;

    @Activate
    public ScriptRunner(BundleContext context, @Reference CommandProcessor processor,
            @Reference ServiceComponentRuntime components) {
        this.context = context;
        this.processor = processor;
        this.components = components;
        this.script = context.getProperty(SCRIPT);
        this.command = context.getProperty(COMMAND);
        if (script == null && command == null) {
            return;
        }
        context.addFrameworkListener(this);
        // Usually this component is activated while the framework is still climbing its start
        // levels and an event follows; if this bundle was started later, none will. The listener and
        // this check may both fire: `launched` lets only one of them through.
        if (frameworkStarted()) {
            launch();
        }
    }

    /**
     * Whether the framework has finished starting: the system bundle is ACTIVE and its active start
     * level has reached the level of every bundle marked for start. Neither the beginning start level
     * property nor STARTED alone says so: the bnd launcher starts the framework at level 1 (STARTED
     * comes then), marks the bundles for start, and only then raises the level to the real beginning.
     */
    private boolean frameworkStarted() {
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_ID);
        if (system.getState() != Bundle.ACTIVE) {
            return false;
        }
        int active = system.adapt(FrameworkStartLevel.class).getStartLevel();
        for (Bundle bundle : context.getBundles()) {
            BundleStartLevel level = bundle.adapt(BundleStartLevel.class);
            if (level != null && level.isPersistentlyStarted() && level.getStartLevel() > active) {
                return false;
            }
        }
        return true;
    }

    @Deactivate
    void deactivate() {
        context.removeFrameworkListener(this);
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        int type = event.getType();
        if ((type == FrameworkEvent.STARTED || type == FrameworkEvent.STARTLEVEL_CHANGED) && frameworkStarted()) {
            launch();
        }
    }

    private void launch() {
        if (launched.compareAndSet(false, true)) {
            startExitWatchdog();
            Thread runner = new Thread(this::runAndExit, "haven-script");
            runner.start();
        }
    }

    private void runAndExit() {
        int status = 1;
        try {
            status = run();
        } catch (Throwable unexpected) {
            err.println("error: " + Statements.message(unexpected));
        } finally {
            exit(status);
        }
    }

    /** Runs every statement; 0 when all succeeded, 1 at the first failure (already reported). */
    private int run() {
        String source;
        String text;
        if (script != null) {
            source = script;
            try {
                text = Files.readString(Path.of(script), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                err.println("error: cannot read script " + script + ": " + Statements.message(e));
                return 1;
            }
        } else {
            source = "-c";
            text = command;
        }
        List<String> statements;
        try {
            statements = Statements.split(text);
        } catch (SyntaxError e) {
            err.println("error: " + source + ":" + (e.line() + 1) + ": " + Statements.message(e));
            return 1;
        }
        ComponentsSettled.await(context, components, SETTLE_MILLIS).ifPresent(
                unsatisfied -> err.println("warning: still unsatisfied after " + SETTLE_MILLIS + " ms: " + unsatisfied));
        try (CommandSession session = processor.createSession(in, out, err)) {
            for (String statement : statements) {
                Object result;
                try {
                    result = session.execute(statement);
                } catch (Exception | StackOverflowError | LinkageError failure) {
                    // A command's own failure, named with its statement; any other Error ends the
                    // run through runAndExit, which still exits.
                    out.flush();
                    err.println("error: " + statement + ": " + Statements.message(failure));
                    return 1;
                }
                print(session, result);
            }
        }
        return 0;
    }

    private void print(CommandSession session, Object result) {
        if (result == null) {
            return;
        }
        CharSequence shown = result instanceof CharSequence chars ? chars : session.format(result, Converter.INSPECT);
        if (shown == null || shown.length() == 0) {
            return;
        }
        String text = shown.toString();
        out.print(text.endsWith("\n") ? text : text + "\n");
        out.flush();
    }

    /**
     * Exits the JVM. {@code System.exit} runs the launcher's shutdown hook, which stops the framework;
     * should a bundle hang while stopping, the watchdog halts the JVM with the same status.
     */
    private void exit(int status) {
        try {
            out.flush();
            err.flush();
            exitStatus.complete(status);
        } finally {
            System.exit(status);
        }
    }

    /**
     * Halts the JVM if {@code System.exit} has not ended it {@link #EXIT_GRACE_MILLIS} after the run
     * ended. Started with the run, not at its end: a run that ends because threads or memory ran out
     * could not start it then.
     */
    private void startExitWatchdog() {
        Thread watchdog = new Thread(() -> {
            int status;
            try {
                status = exitStatus.get();
                Thread.sleep(EXIT_GRACE_MILLIS);
            } catch (InterruptedException | ExecutionException e) {
                status = 1;
            }
            Runtime.getRuntime().halt(status);
        }, "haven-exit-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
