package dev.turnout.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisServerProcessTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void startsWithAPasswordThatPingNeeds() throws IOException {
        try (RedisServerProcess redis = RedisServerProcess.builder().password("s3 \"cret\\").start()) {
            assertThat(redis.port()).isNotEqualTo(6379);
            assertThat(redis.isRunning()).isTrue();
            try (RawConnection connection = new RawConnection(redis.port())) {
                assertThat(connection.call("PING")).startsWith("-NOAUTH");
                assertThat(connection.call("AUTH", "wrong")).startsWith("-WRONGPASS");
                assertThat(connection.call("AUTH", "s3 \"cret\\")).isEqualTo("+OK");
                assertThat(connection.call("PING")).isEqualTo("+PONG");
                assertThat(connection.call("CONFIG", "GET", "save")).isEqualTo("[save, ]");
                assertThat(connection.call("CONFIG", "GET", "bind")).isEqualTo("[bind, 127.0.0.1]");
            }
        }
    }

    @Test
    void addsAclUsersAndExtraArguments() throws IOException {
        try (RedisServerProcess redis = RedisServerProcess.builder()
                .aclUser("alice on >wonderland ~app:* +@all")
                .args("--maxmemory", "10mb")
                .start();
                RawConnection connection = new RawConnection(redis.port())) {
            assertThat(connection.call("AUTH", "alice", "wonderland")).isEqualTo("+OK");
            assertThat(connection.call("SET", "app:1", "x")).isEqualTo("+OK");
            assertThat(connection.call("SET", "other", "x")).startsWith("-NOPERM");
            assertThat(connection.call("CONFIG", "GET", "maxmemory")).isEqualTo("[maxmemory, 10485760]");
        }
    }

    @Test
    void restartsOnTheSamePortWithNoData() throws IOException {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            int port = redis.port();
            try (RawConnection connection = new RawConnection(port)) {
                assertThat(connection.call("SET", "k", "v")).isEqualTo("+OK");

                redis.restart();

                assertThatThrownBy(() -> connection.call("PING")).isInstanceOf(IOException.class);
            }
            assertThat(redis.port()).isEqualTo(port);
            try (RawConnection connection = new RawConnection(port)) {
                assertThat(connection.call("GET", "k")).isEqualTo("(nil)");
            }
            assertThat(Files.readString(redis.logFile())).contains("start 2 on port " + port);
        }
    }

    @Test
    void killsAndStopsTheServerAndCanStartItAgain() throws IOException {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            int port = redis.port();

            redis.kill();

            assertThat(redis.isRunning()).isFalse();
            assertThatThrownBy(() -> new RawConnection(port)).isInstanceOf(ConnectException.class);

            redis.restart();
            try (RawConnection connection = new RawConnection(port)) {
                assertThat(connection.call("PING")).isEqualTo("+PONG");
            }

            redis.stop();

            assertThat(redis.isRunning()).isFalse();
            assertThatThrownBy(() -> new RawConnection(port)).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void startsAReplicaWithReplicaof() throws IOException {
        try (RedisServerProcess primary = RedisServerProcess.builder().password("p").start();
                RedisServerProcess replica = RedisServerProcess.builder()
                        .args("--replicaof", primary.host(), Integer.toString(primary.port()), "--masterauth", "p")
                        .start();
                RawConnection toPrimary = new RawConnection(primary.port());
                RawConnection toReplica = new RawConnection(replica.port())) {
            assertThat(toPrimary.call("AUTH", "p")).isEqualTo("+OK");
            assertThat(toPrimary.call("SET", "k", "replicated")).isEqualTo("+OK");

            Await.until(TIMEOUT, "the replica to copy k", () -> toReplica.callUnchecked("GET", "k"), "replicated"::equals);
        }
    }

    @Test
    void failsWithTheEndOfTheLogWhenRedisDoesNotStart() {
        assertThatThrownBy(() -> RedisServerProcess.builder().args("--no-such-option", "1").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited (exit code 1)")
                .hasMessageContaining("Last lines of its log")
                .hasMessageContaining("no-such-option");
    }

    @Test
    void closeDeletesItsDirectory() {
        RedisServerProcess redis = RedisServerProcess.start();
        Path directory = redis.directory();
        assertThat(redis.logFile()).exists().startsWith(directory);

        redis.close();

        assertThat(directory).doesNotExist();
        assertThat(redis.isRunning()).isFalse();
        assertThatThrownBy(redis::restart).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void neverAcceptsRedisStandardPort() {
        assertThatThrownBy(() -> RedisServerProcess.builder().port(6379))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port: 6379 (expected: 1..65535 and not 6379)");
    }

    @Test
    void quotesConfigValuesAsRedisReadsThem() {
        assertThat(RedisServerProcess.quote("a \"b\" \\c")).isEqualTo("\"a \\\"b\\\" \\\\c\"");
    }

    /**
     * A blocking RESP2 connection on a plain socket. Replies as text: "+OK", "-ERR ...", ":1", a bulk
     * string's content, "(nil)", an array as "[a, b]".
     */
    private static final class RawConnection implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        RawConnection(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(5000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream());
        }

        String call(String... args) throws IOException {
            StringBuilder request = new StringBuilder("*" + args.length + "\r\n");
            for (String arg : args) {
                request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readReply();
        }

        String callUnchecked(String... args) {
            try {
                return call(args);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        private String readReply() throws IOException {
            String line = readLine();
            switch (line.charAt(0)) {
                case '$': {
                    int length = Integer.parseInt(line.substring(1));
                    if (length < 0) {
                        return "(nil)";
                    }
                    String content = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                    readLine();
                    return content;
                }
                case '*': {
                    List<String> elements = new ArrayList<>();
                    for (int i = Integer.parseInt(line.substring(1)); i > 0; i--) {
                        elements.add(readReply());
                    }
                    return elements.toString();
                }
                default:
                    return line;
            }
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b == -1) {
                    throw new EOFException("connection closed");
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
