package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.turnout.it.support.ProxiedRedis;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * The real {@code redis-cli} through the proxy, and the inline commands it and humans with telnet send:
 * one-shot commands, stdin mode, {@code --pipe} mass insertion, {@code -3 hello}. Skipped when
 * {@code redis-cli} is not on the PATH.
 */
class RedisCliThroughProxyIT {

    private static final String PASSWORD = "cli-secret";

    private static Path redisCli;

    /** Runs before {@link #stack} starts anything: without redis-cli the class is skipped and no Redis is started. */
    @RegisterExtension
    @Order(1)
    static final BeforeAllCallback requireRedisCli = context -> {
        redisCli = onPath("redis-cli").orElse(null);
        assumeTrue(redisCli != null, "redis-cli is not on the PATH");
    };

    @RegisterExtension
    @Order(2)
    static final ProxiedRedis stack = ProxiedRedis.withPassword(PASSWORD);



    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Arrays.stream(path.split(File.pathSeparator)).map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable).findFirst();
    }

    private record Run(int exitCode, String output) {
    }

    /** Runs redis-cli against the proxy with {@code stdin} as its input. */
    private static Run cli(String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(redisCli.toString(), "-h", stack.proxy().host(), "-p",
                Integer.toString(stack.proxy().port())));
        command.addAll(List.of(args));
        return run(command, stdin);
    }

    /** Runs redis-cli straight against Redis, to compare. */
    private static Run cliDirect(String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(redisCli.toString(), "-h", stack.redis().host(), "-p",
                Integer.toString(stack.redis().port()), "-a", PASSWORD, "--no-auth-warning"));
        command.addAll(List.of(args));
        return run(command, stdin);
    }

    private static Run run(List<String> command, String stdin) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.ISO_8859_1));
            }
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("redis-cli did not finish within 20 s: " + command);
            }
            return new Run(process.exitValue(), new String(output.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new AssertionError("running " + command + " failed", e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ one-shot commands

    @Test
    void pingSetGet() {
        assertThat(cli("", "ping")).isEqualTo(new Run(0, "PONG\n"));
        assertThat(cli("", "set", "greeting", "hello world")).isEqualTo(new Run(0, "OK\n"));
        assertThat(cli("", "get", "greeting")).isEqualTo(new Run(0, "hello world\n"));
        assertThat(cli("", "-n", "3", "set", "in-db-3", "x").output()).isEqualTo("OK\n");
        assertThat(cli("", "get", "in-db-3").output()).isEqualTo("\n");
        assertThat(cli("", "-n", "3", "get", "in-db-3").output()).isEqualTo("x\n");
        stack.admin().select(3);
        assertThat(stack.admin().get("in-db-3")).isEqualTo("x");
    }

    @Test
    void errorsReadAsTheyDoFromRedis() {
        assertThat(cli("", "select", "99")).isEqualTo(cliDirect("", "select", "99"));
        assertThat(cli("", "nosuchcommand", "x")).isEqualTo(cliDirect("", "nosuchcommand", "x"));
        assertThat(cli("", "select", "99").output()).startsWith("ERR DB index is out of range\n");
    }

    /** Without a command, redis-cli reads one command per line from stdin. */
    @Test
    void commandsFromStdin() {
        Run run = cli("PING\nSET stdin-key \"quoted value\"\nGET stdin-key\nINCR n\nINCR n\n");
        assertThat(run).isEqualTo(new Run(0, "PONG\nOK\nquoted value\n1\n2\n"));
    }

    @Test
    void hello3() {
        Run viaProxy = cli("", "-3", "hello");
        Run direct = cliDirect("", "-3", "hello");
        assertThat(viaProxy.exitCode()).isZero();
        // One "field value" line each: the same fields in the same order, the same values but the client id.
        List<String> proxyLines = viaProxy.output().lines().toList();
        List<String> directLines = direct.output().lines().toList();
        assertThat(proxyLines).contains("proto 3", "server redis", "mode standalone", "role master");
        assertThat(proxyLines).hasSameSizeAs(directLines);
        for (int i = 0; i < proxyLines.size(); i++) {
            if (directLines.get(i).startsWith("id ")) {
                assertThat(proxyLines.get(i)).as("the client id").matches("id \\d+");
            } else {
                assertThat(proxyLines.get(i)).as("line %d of HELLO", i).isEqualTo(directLines.get(i));
            }
        }
    }

    // ------------------------------------------------------------------ mass insertion

    /** {@code --pipe}: 10,000 commands written at once, every tenth one inline; then ECHO to find the end. */
    @Test
    void pipeMassInsertionOfTenThousandCommands() {
        int n = 10_000;
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String key = "mass:" + i;
            String value = "value-" + i;
            if (i % 10 == 0) {
                input.append("SET ").append(key).append(' ').append(value).append("\r\n");
            } else {
                input.append("*3\r\n$3\r\nSET\r\n$").append(key.length()).append("\r\n").append(key).append("\r\n$")
                        .append(value.length()).append("\r\n").append(value).append("\r\n");
            }
        }
        Run run = cli(input.toString(), "--pipe");
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("errors: 0, replies: " + n);
        assertThat(stack.admin().dbSize()).isEqualTo(n);
        assertThat(stack.admin().get("mass:0")).isEqualTo("value-0");
        assertThat(stack.admin().get("mass:9999")).isEqualTo("value-9999");
    }

    /**
     * redis-benchmark: 10 clients pipelining 10 deep; every INCR lands exactly once. Kept small: paranoid leak
     * detection makes every buffer expensive in tests.
     */
    @Test
    void redisBenchmarkThroughTheProxy() {
        Optional<Path> benchmark = onPath("redis-benchmark");
        assumeTrue(benchmark.isPresent(), "redis-benchmark is not on the PATH");
        int n = 2_000;
        Run run = run(List.of(benchmark.get().toString(),
                "-h", stack.proxy().host(), "-p", Integer.toString(stack.proxy().port()),
                "-n", Integer.toString(n), "-c", "10", "-P", "10", "-t", "set,get,incr,lpush,rpop,hset,mset", "--csv"), "");
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("\"SET\"", "\"GET\"", "\"INCR\"", "\"MSET (10 keys)\"")
                .doesNotContainIgnoringCase("error");
        assertThat(stack.admin().get("counter:__rand_int__")).isEqualTo(Integer.toString(n));
        assertThat(stack.admin().get("key:__rand_int__")).isNotNull();
    }

    // ------------------------------------------------------------------ inline commands on a raw socket

    @Test
    void inlineCommandsOnARawSocket() {
        try (RespWire wire = new RespWire(stack.proxy().host(), stack.proxy().port())) {
            assertThat(wire.sendRaw("PING\r\n").read()).isEqualTo("PONG");
            assertThat(wire.sendRaw("ping\n").read()).as("a bare LF ends the line too").isEqualTo("PONG");
            assertThat(wire.sendRaw("SET \"a b\" \"c\\x41\"\r\n").read()).isEqualTo("OK");
            assertThat(wire.call("GET", "a b")).isEqualTo("cA");
            assertThat(wire.sendRaw("GET 'a b'\r\n").read()).isEqualTo("cA");
            // A blank line is skipped silently, inline and multibulk commands mix in one write.
            assertThat(wire.sendRaw("\r\nECHO one\r\n*2\r\n$4\r\nECHO\r\n$3\r\ntwo\r\nECHO three\r\n").read()).isEqualTo("one");
            assertThat(wire.read()).isEqualTo("two");
            assertThat(wire.read()).isEqualTo("three");
            // Inline commands the proxy answers itself.
            assertThat(wire.sendRaw("CLIENT SETNAME inline-name\r\nCLIENT GETNAME\r\nSELECT 2\r\nGET \"a b\"\r\n").read())
                    .isEqualTo("OK");
            assertThat(wire.read()).isEqualTo("inline-name");
            assertThat(wire.read()).isEqualTo("OK");
            assertThat(wire.read()).isNull();
        }
        assertThat(stack.admin().get("a b")).isEqualTo("cA");
    }
}
