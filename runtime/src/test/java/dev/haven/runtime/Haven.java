package dev.haven.runtime;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code runtime/bin/haven} as a real process for the integration tests: its own HAVEN_HOME,
 * no stdin, output into files (a pipe nobody reads must never be what a runtime waits on).
 */
final class Haven {
    static final Path LAUNCHER = Path.of(System.getProperty("haven.launcher", "bin/haven")).toAbsolutePath();

    /** How one run ended. */
    record Run(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit status " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Haven() {
    }

    /** Starts the launcher in {@code dir}, with {@code home} as HAVEN_HOME; output goes to dir/stdout and dir/stderr. */
    static Process start(Path dir, Path home, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile());
        builder.environment().put("HAVEN_HOME", home.toString());
        builder.environment().remove("HAVEN_JAVA_OPTS");
        return builder.start();
    }

    /** Runs the launcher to its end; a run that outlives {@code timeout} is killed and fails the test. */
    static Run run(Path dir, Path home, Duration timeout, String... args) throws IOException, InterruptedException {
        Process process = start(dir, home, args);
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill(process);
            throw new AssertionError("haven " + String.join(" ", args) + " did not exit within " + timeout.toSeconds()
                    + " s; stdout:\n" + read(dir, "stdout") + "\nstderr:\n" + read(dir, "stderr"));
        }
        return new Run(process.exitValue(), read(dir, "stdout"), read(dir, "stderr"));
    }

    /** SIGKILL to the launcher and its JVM. */
    static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
    }

    static String read(Path dir, String name) throws IOException {
        return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
    }
}
