package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.it.support.JavaProcess;
import dev.turnout.it.support.TurnoutJar;

import dev.turnout.testing.Await;
import dev.turnout.testing.FreePorts;
import dev.turnout.testing.RedisServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The real thing: {@code java -jar turnout-data-plane.jar} as a child process, configured by a YAML file and
 * SIGHUP, or by flags and the password file or environment variable; and its exit code on a bad flag.
 *
 * <p>Needs the shaded jar: {@code mvn -B -o -q -pl data-plane package -DskipTests} builds
 * {@code data-plane/target/turnout-data-plane.jar} (a full {@code mvn verify} builds it before this runs);
 * {@code -Dturnout.dataPlaneJar=PATH} points elsewhere.
 */
class StandaloneProcessIT {

    private static final Duration STARTUP = Duration.ofSeconds(20);

    private Path directory;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void createDirectory() throws IOException {
        directory = Files.createTempDirectory("turnout-standalone-");
    }

    @AfterEach
    void stopProcessesAndDeleteDirectory() throws Exception {
        for (Process p : processes) {
            p.destroy(); // SIGTERM: the shutdown hook closes the proxy
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void sighupMovesConnectedClientsToTheNewUpstreamAndKeepsTheOldConfigOnAnInvalidFile() throws Exception {
        try (RedisServerProcess a = RedisServerProcess.start();
             RedisServerProcess b = RedisServerProcess.builder().password("b-secret").start()) {
            setWho(a, null, "A");
            setWho(b, "b-secret", "B");
            Files.writeString(directory.resolve("b.pw"), "b-secret\n");
            int listen = FreePorts.next();
            Path config = directory.resolve("turnout.yaml");
            writeAtomically(config, """
                    listeners:
                      - listen: 127.0.0.1:%d
                        route: default
                    routes:
                      default:
                        upstream: 127.0.0.1:%d
                    """.formatted(listen, a.port()));
            Process proxy = start(Map.of(), "--config", config.toString());
            awaitServing(proxy, listen);

            try (Jedis client = new Jedis("127.0.0.1", listen)) {
                assertThat(client.get("who")).isEqualTo("A");

                writeAtomically(config, """
                        listeners:
                          - listen: 127.0.0.1:%d
                            route: default
                        routes:
                          default:
                            upstream: 127.0.0.1:%d
                            password-file: b.pw
                        """.formatted(listen, b.port()));
                hangUp(proxy);
                Await.until(Duration.ofSeconds(10), "the connected client's GET to reach the new upstream",
                        () -> client.get("who"), "B"::equals);

                writeAtomically(config, """
                        listeners:
                          - listen: 127.0.0.1:%d
                        routes:
                          default:
                            upstream: 127.0.0.1:%d
                            pasword-file: b.pw
                        """.formatted(listen, a.port()));
                hangUp(proxy);
                String failure = Await.until(Duration.ofSeconds(10), "the failed reload to be logged",
                        () -> log(proxy), l -> l.contains("Configuration reload (SIGHUP) failed"));
                assertThat(failure).contains("routes.default.pasword-file: unknown key");
                assertThat(client.get("who")).as("still the previous configuration").isEqualTo("B");
                assertThat(proxy.isAlive()).isTrue();
            }
        }
    }

    @Test
    void usersInTheConfigurationFileMustAuthenticate() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            int listen = FreePorts.next();
            Path config = directory.resolve("users.yaml");
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest("s3cret".getBytes(StandardCharsets.UTF_8)));
            writeAtomically(config, """
                    listeners:
                      - listen: 127.0.0.1:%d
                        route: default
                    routes:
                      default:
                        upstream: 127.0.0.1:%d
                    users:
                      - name: alice
                        password: sha256:%s
                    """.formatted(listen, redis.port(), hash));
            Process proxy = start(Map.of(), "--config", config.toString());
            Await.until(STARTUP, "the data plane to listen", () -> {
                assertThat(proxy.isAlive()).as(() -> log(proxy)).isTrue();
                try (Jedis probe = new Jedis("127.0.0.1", listen)) {
                    probe.ping();
                    return false;
                } catch (JedisDataException e) {
                    return e.getMessage().startsWith("NOAUTH");
                } catch (JedisConnectionException e) {
                    return false;
                }
            });
            try (Jedis client = new Jedis("127.0.0.1", listen)) {
                assertThat(client.auth("alice", "s3cret")).isEqualTo("OK");
                assertThat(client.set("k", "v")).isEqualTo("OK");
            }
        }
    }

    @Test
    void flagsWithPasswordFile() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.builder().password("file-secret").start()) {
            Path passwordFile = directory.resolve("upstream.pw");
            Files.writeString(passwordFile, "file-secret\n");
            int listen = FreePorts.next();
            Process proxy = start(Map.of(), "--listen", "127.0.0.1:" + listen,
                    "--upstream", "127.0.0.1:" + redis.port(), "--upstream-password-file", passwordFile.toString());
            awaitServing(proxy, listen);
            assertSetReachesRedis(listen, redis, "file-secret");
        }
    }

    @Test
    void flagsWithPasswordFromTheEnvironment() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.builder().password("env-secret").start()) {
            int listen = FreePorts.next();
            Process proxy = start(Map.of("TURNOUT_UPSTREAM_PASSWORD", "env-secret"), "--listen", "127.0.0.1:" + listen,
                    "--upstream", "127.0.0.1:" + redis.port());
            awaitServing(proxy, listen);
            assertSetReachesRedis(listen, redis, "env-secret");
            assertThat(log(proxy)).doesNotContain("env-secret");
        }
    }

    @Test
    void badArgumentsExitWithTwoAndOneLine() throws Exception {
        assertUsageError(List.of("--bogus"), "--bogus");
        assertUsageError(List.of("--threads", "many"), "--threads");
        assertUsageError(List.of("--listen", "127.0.0.1:1", "--upstream", "no-port"), "--upstream");
        assertUsageError(List.of("--listen", "127.0.0.1:1", "--upstream", "127.0.0.1:2",
                "--upstream-password-file", directory.resolve("missing.pw").toString()), "--upstream-password-file");
    }

    private void assertUsageError(List<String> args, String named) throws Exception {
        Process p = start(Map.of(), args.toArray(String[]::new));
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("exited: %s", args).isTrue();
        String output = log(p);
        assertThat(p.exitValue()).as("exit code for %s; output: %s", args, output).isEqualTo(2);
        assertThat(output.strip().lines().toList()).as("output for %s", args).hasSize(1);
        assertThat(output).startsWith("turnout-data-plane: ").contains(named);
    }

    // ------------------------------------------------------------------ helpers

    private Process start(Map<String, String> env, String... args) throws IOException {
        List<String> command = JavaProcess.command(TurnoutJar.DATA_PLANE, args);
        Path output = directory.resolve("proxy-" + processes.size() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().remove("TURNOUT_UPSTREAM_PASSWORD");
        builder.environment().putAll(env);
        Process p = builder.start();
        processes.add(p);
        logs.put(p, output);
        return p;
    }

    private final Map<Process, Path> logs = new java.util.HashMap<>();

    private String log(Process p) {
        try {
            return Files.readString(logs.get(p), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitServing(Process proxy, int port) {
        Await.until(STARTUP, "the data plane to answer PING on port " + port, () -> {
            if (!proxy.isAlive()) {
                throw new AssertionError("the data plane exited with " + proxy.exitValue() + ":\n" + log(proxy));
            }
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                return "PONG".equals(jedis.ping());
            } catch (JedisConnectionException notYet) {
                return false;
            }
        });
    }

    private static void hangUp(Process proxy) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(proxy.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private static void assertSetReachesRedis(int listen, RedisServerProcess redis, String password) {
        try (Jedis client = new Jedis("127.0.0.1", listen);
             Jedis direct = new Jedis(redis.host(), redis.port())) {
            assertThat(client.set("standalone", "yes")).isEqualTo("OK");
            direct.auth(password);
            assertThat(direct.get("standalone")).isEqualTo("yes");
        }
    }

    private static void setWho(RedisServerProcess redis, String password, String who) {
        try (Jedis direct = new Jedis(redis.host(), redis.port())) {
            if (password != null) {
                direct.auth(password);
            }
            direct.set("who", who);
        }
    }

    /** Write-then-rename, as an operator's tooling would: the proxy never reads half a file. */
    private static void writeAtomically(Path file, String text) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
