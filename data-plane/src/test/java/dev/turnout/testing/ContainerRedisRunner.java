package dev.turnout.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * Runs redis-server in a Docker container through Testcontainers, for machines without a local Redis.
 *
 * <p>The container uses the host's network, so the server listens on the host's 127.0.0.1 and the
 * chosen port exactly as a local process would: {@code --replicaof 127.0.0.1 <port>} between two
 * servers and a restart on the same port work unchanged. That needs a Docker engine on this Linux host
 * (not a remote one, nor Docker Desktop without host networking). Only this class touches
 * Testcontainers, so it is loaded only when a container is used.
 */
final class ContainerRedisRunner implements RedisServerRunner {

    private static final String CONFIG_IN_CONTAINER = "/usr/local/etc/redis/turnout.conf";
    private static final String DIR_IN_CONTAINER = "/data";

    private final String image;
    private volatile GenericContainer<?> container; // volatile: the shutdown hook kills it from another thread

    ContainerRedisRunner(String image) {
        this.image = image;
    }

    /** Whether Testcontainers reaches a Docker engine. */
    static boolean dockerReachable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @Override
    public void start(Path directory, Path configFile, List<String> options, Path logFile) throws IOException {
        List<String> command = new ArrayList<>(List.of("redis-server", CONFIG_IN_CONTAINER, "--dir", DIR_IN_CONTAINER));
        command.addAll(options);
        GenericContainer<?> next = new GenericContainer<>(DockerImageName.parse(image))
                .withNetworkMode("host")
                .withCopyFileToContainer(MountableFile.forHostPath(configFile, 0644), CONFIG_IN_CONTAINER)
                .withCommand(command.toArray(String[]::new))
                .withLogConsumer(frame -> append(logFile, frame.getUtf8String()));
        container = next;
        try {
            next.start();
        } catch (RuntimeException e) {
            throw new IOException("Testcontainers could not start " + image + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isAlive() {
        GenericContainer<?> current = container;
        return current != null && current.isRunning();
    }

    @Override
    public String exitStatus() {
        return isAlive() ? "running (container " + container.getContainerId() + ")" : "container stopped";
    }

    @Override
    public void stop(Duration grace) {
        GenericContainer<?> current = container;
        if (current == null) {
            return;
        }
        try {
            current.getDockerClient().stopContainerCmd(current.getContainerId())
                    .withTimeout((int) Math.max(1, grace.toSeconds()))
                    .exec();
        } catch (RuntimeException alreadyStopped) {
            // current.stop() below removes it either way
        }
        current.stop();
    }

    @Override
    public void kill() {
        GenericContainer<?> current = container;
        if (current == null) {
            return;
        }
        try {
            current.getDockerClient().killContainerCmd(current.getContainerId()).withSignal("KILL").exec();
        } catch (RuntimeException alreadyStopped) {
            // current.stop() below removes it either way
        }
        current.stop();
    }

    @Override
    public String describe() {
        return "Docker image " + image + " (Testcontainers, host network)";
    }

    private static void append(Path logFile, String text) {
        try {
            Files.writeString(logFile, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
