package dev.bbm.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of the real {@code bbm} command in its own JVM, as an operator's shell runs it: the
 * arguments arrive as the shell hands them over (quotes removed), the environment names bbm.
 */
record CliRun(int exitCode, String out, String err) {

    private static final long TIMEOUT_SECONDS = 180;

    /** Runs {@code bbm args…} with exactly {@code environment}'s BBM_ variables (none inherited). */
    static CliRun run(Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                // A command line's JVM: short-lived, so no optimising compiler and the simplest collector.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                Bbm.class.getName()));
        command.addAll(List.of(args));
        try {
            File out = File.createTempFile("bbm-cli", ".out");
            File err = File.createTempFile("bbm-cli", ".err");
            try {
                ProcessBuilder builder =
                        new ProcessBuilder(command).redirectOutput(out).redirectError(err);
                builder.environment().keySet().removeIf(name -> name.startsWith("BBM_"));
                builder.environment().putAll(environment);
                Process process = builder.start();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("bbm " + String.join(" ", args) + " ran past " + TIMEOUT_SECONDS + " s");
                }
                return new CliRun(process.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
            } finally {
                Files.deleteIfExists(out.toPath());
                Files.deleteIfExists(err.toPath());
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start bbm", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while bbm ran", e);
        }
    }

    /** What a failed assertion shows: the whole run. */
    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
