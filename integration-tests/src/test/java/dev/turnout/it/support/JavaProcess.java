package dev.turnout.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of Turnout's jars running as a child process, its output in a log file, for tests that need real
 * processes (signals, kills, restarts). {@link #close()} kills it.
 */
public final class JavaProcess implements AutoCloseable {

    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private Process process;

    private JavaProcess(List<String> command, Map<String, String> environment, Path log) {
        this.command = command;
        this.environment = environment;
        this.log = log;
    }

    /** Starts {@code jar} with {@code args}; output (stdout and stderr) goes to {@code log}. */
    public static JavaProcess start(TurnoutJar jar, Path log, Map<String, String> environment, String... args) {
        JavaProcess p = new JavaProcess(command(jar, args), environment, log);
        p.launch();
        return p;
    }

    private void launch() {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("TURNOUT_"));
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Runs it to the end (a CLI): returns the exit code; output is in {@link #output()}. */
    public int waitFor(long seconds) {
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish in " + seconds + " s; output:\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return process.exitValue();
    }

    /** Fails with the log if the process has exited. */
    public void assertAlive() {
        if (!process.isAlive()) {
            throw new AssertionError(command.get(command.size() - 1) + " exited with " + process.exitValue() + ":\n" + output());
        }
    }

    /** SIGKILL, then wait for it to be gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the same command again (after {@link #kill()}), appending to the same log. */
    public void restart() {
        kill();
        launch();
    }

    public long pid() {
        return process.pid();
    }

    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        kill();
    }

    /** The command line that runs {@code jar} with {@code args} on this test's own JVM. */
    public static List<String> command(TurnoutJar jar, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.path().toString()));
        command.addAll(List.of(args));
        return command;
    }
}
