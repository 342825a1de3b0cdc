package dev.turnout.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs one redis-server at a time for a {@link RedisServerProcess}: as a local process
 * ({@link LocalRedisRunner}) or in a Docker container ({@link ContainerRedisRunner}).
 */
interface RedisServerRunner {

    /**
     * Starts redis-server with {@code configFile}, {@code --dir} pointing at {@code directory} (or its
     * equivalent inside a container), then {@code options}; its output goes to the end of {@code logFile}.
     * Returns without waiting for the server to accept connections.
     */
    void start(Path directory, Path configFile, List<String> options, Path logFile) throws IOException;

    /** Whether the server process is still running. */
    boolean isAlive();

    /** How the last run ended, for failure messages: "running", "exit code 1", ... */
    String exitStatus();

    /** Asks the server to shut down (SIGTERM), waits up to {@code grace}, then kills it; returns once it is gone. */
    void stop(Duration grace);

    /** Kills the server at once (SIGKILL) and returns once it is gone. Safe to call from a shutdown hook. */
    void kill();

    /** What runs, for messages: "/usr/bin/redis-server 7.0.15". */
    String describe();
}
