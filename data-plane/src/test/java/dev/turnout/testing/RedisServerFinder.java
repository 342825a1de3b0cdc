package dev.turnout.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides where {@link RedisServerProcess} gets a Redis 7.0+ server from, in this order: the
 * {@code REDIS_SERVER} environment variable (a path to redis-server), {@code redis-server} on the PATH,
 * the {@value #DOCKER_IMAGE} image through Testcontainers when a Docker engine is reachable. Otherwise it
 * fails with a message that says how to install Redis.
 *
 * <p>The decision is a plain function of injected {@link Lookups}, so it is tested without touching the
 * machine; {@link #onThisMachine()} runs it once per JVM with the real ones.
 */
final class RedisServerFinder {

    static final String ENV = "REDIS_SERVER";
    static final String DOCKER_IMAGE = "redis:7";
    static final int MIN_MAJOR = 7;

    private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    /** Where redis-server comes from. */
    sealed interface Source permits Binary, Container {
    }

    /** A redis-server executable on this machine, and what it says its version is. */
    record Binary(Path path, String version) implements Source {
    }

    /** A Docker image run through Testcontainers. */
    record Container(String image) implements Source {
    }

    /**
     * What the finder needs from the machine.
     *
     * @param env reads an environment variable; null when unset
     * @param onPath finds an executable by name on the PATH
     * @param versionOutput runs {@code <path> --version} and returns what it printed; empty when it could not run
     * @param dockerReachable whether Testcontainers is on the classpath and reaches a Docker engine
     */
    record Lookups(Function<String, String> env, Function<String, Optional<Path>> onPath,
            Function<Path, Optional<String>> versionOutput, BooleanSupplier dockerReachable) {

        static Lookups system() {
            return new Lookups(System::getenv, RedisServerFinder::findOnPath, RedisServerFinder::runVersion,
                    RedisServerFinder::dockerReachable);
        }
    }

    private static Source cached; // guarded by RedisServerFinder.class

    private RedisServerFinder() {
    }

    /** The source for this machine, found once per JVM (a failure is not cached: the next call retries). */
    static synchronized Source onThisMachine() {
        if (cached == null) {
            cached = find(Lookups.system());
        }
        return cached;
    }

    /**
     * Applies the search order to {@code lookups}.
     *
     * @throws IllegalStateException when no usable Redis was found, or {@code REDIS_SERVER} names an
     *     unusable one; the message says what was tried and how to install Redis
     */
    static Source find(Lookups lookups) {
        String fromEnv = lookups.env().apply(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path path = Path.of(fromEnv.strip());
            String version = lookups.versionOutput().apply(path)
                    .flatMap(RedisServerFinder::parseVersion)
                    .orElseThrow(() -> new IllegalStateException(ENV + "=" + fromEnv + ": `" + path
                            + " --version` did not run or printed no version; " + ENV
                            + " must be the path to a redis-server executable, " + MIN_MAJOR + ".0 or later."));
            if (major(version) < MIN_MAJOR) {
                throw new IllegalStateException(ENV + "=" + fromEnv + " is Redis " + version + " (expected: >= "
                        + MIN_MAJOR + ".0). " + installHelp());
            }
            return new Binary(path, version);
        }

        List<String> tried = new ArrayList<>();
        tried.add(ENV + " is not set");
        Optional<Path> onPath = lookups.onPath().apply("redis-server");
        if (onPath.isEmpty()) {
            tried.add("redis-server is not on the PATH");
        } else {
            Path path = onPath.get();
            Optional<String> version = lookups.versionOutput().apply(path).flatMap(RedisServerFinder::parseVersion);
            if (version.isEmpty()) {
                tried.add(path + " --version did not run or printed no version");
            } else if (major(version.get()) < MIN_MAJOR) {
                tried.add(path + " is Redis " + version.get() + " (expected: >= " + MIN_MAJOR + ".0)");
            } else {
                return new Binary(path, version.get());
            }
        }

        if (lookups.dockerReachable().getAsBoolean()) {
            return new Container(DOCKER_IMAGE);
        }
        tried.add("no Docker engine is reachable for Testcontainers");
        throw new IllegalStateException("No Redis " + MIN_MAJOR + ".0+ server for the tests: " + String.join("; ", tried)
                + ". " + installHelp());
    }

    static String installHelp() {
        return "Install Redis " + MIN_MAJOR + ".0 or later: on Debian 12 / Ubuntu 24.04 and later run "
                + "`sudo apt-get install redis-server` (scripts/test does this when run as root), "
                + "or set " + ENV + "=/path/to/redis-server, or start a Docker engine so Testcontainers can run "
                + DOCKER_IMAGE + ".";
    }

    /** The version in {@code redis-server --version} output ("Redis server v=7.0.15 sha=..."), as "7.0.15". */
    static Optional<String> parseVersion(String versionOutput) {
        Matcher matcher = VERSION.matcher(versionOutput);
        if (!matcher.find()) {
            return Optional.empty();
        }
        return Optional.of(matcher.group(3) == null ? matcher.group(1) + "." + matcher.group(2)
                : matcher.group(1) + "." + matcher.group(2) + "." + matcher.group(3));
    }

    private static int major(String version) {
        return Integer.parseInt(version.substring(0, version.indexOf('.')));
    }

    private static Optional<Path> findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> runVersion(Path executable) {
        Path output = null;
        try {
            output = Files.createTempFile("redis-server-version", ".txt");
            Process process = new ProcessBuilder(executable.toString(), "--version")
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return Optional.of(Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    private static boolean dockerReachable() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, RedisServerFinder.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return false;
        }
        return ContainerRedisRunner.dockerReachable();
    }
}
