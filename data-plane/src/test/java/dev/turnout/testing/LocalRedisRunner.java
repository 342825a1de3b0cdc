package dev.turnout.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a redis-server executable of this machine as a child process of the JVM. */
final class LocalRedisRunner implements RedisServerRunner {

    private final Path executable;
    private final String version;
    private volatile Process process; // volatile: the shutdown hook kills it from another thread

    LocalRedisRunner(Path executable, String version) {
        this.executable = executable;
        this.version = version;
    }

    @Override
    public void start(Path directory, Path configFile, List<String> options, Path logFile) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.add(configFile.toString());
        command.add("--dir");
        command.add(directory.toString());
        command.addAll(options);
        process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
    }

    @Override
    public boolean isAlive() {
        Process current = process;
        return current != null && current.isAlive();
    }

    @Override
    public String exitStatus() {
        Process current = process;
        if (current == null) {
            return "not started";
        }
        return current.isAlive() ? "running (pid " + current.pid() + ")" : "exit code " + current.exitValue();
    }

    @Override
    public void stop(Duration grace) {
        Process current = process;
        if (current == null) {
            return;
        }
        current.destroy();
        if (!waitFor(current, grace)) {
            kill();
        }
    }

    @Override
    public void kill() {
        Process current = process;
        if (current == null) {
            return;
        }
        current.destroyForcibly();
        waitFor(current, Duration.ofSeconds(30));
    }

    @Override
    public String describe() {
        return executable + " " + version;
    }

    private static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }
}
