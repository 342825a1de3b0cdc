package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.it.support.ProxiedRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * Malformed input: the proxy answers exactly what Redis answers (the same bytes, then a close), and only
 * the client that sent it is affected.
 */
class BadInputIT {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    @RegisterExtension
    static final ProxiedRedis stack = ProxiedRedis.withPassword("pw");

    /** Each input starts with a good PING, so a reply already owed is still delivered before the error. */
    @ParameterizedTest
    @ValueSource(strings = {
            "*abc\r\n",                                   // invalid multibulk length
            "*1\r\n$abc\r\n",                             // invalid bulk length
            "*1\r\n$-1\r\n",                              // negative bulk length
            "*1\r\nPING\r\n",                             // expected '$', got 'P'
            "*2\r\n$3\r\nGET\r\n:1\r\n",                  // expected '$', got ':'
            "SET \"unbalanced 1\r\n",                     // inline: unbalanced quotes
            "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*x\r\n", // a good SET, then garbage
    })
    void protocolErrorGetsRedisReplyThenClose(String bad) {
        String input = "*1\r\n$4\r\nPING\r\n" + bad;
        String fromRedis;
        try (RawRedisClient direct = RawRedisClient.connect(stack.redis().host(), stack.redis().port())) {
            direct.call("AUTH", "pw");
            direct.send(input);
            fromRedis = direct.readUntilClosed(CLOSE_TIMEOUT);
        }
        String fromProxy;
        try (RawRedisClient client = RawRedisClient.connect(stack.proxy().host(), stack.proxy().port())) {
            client.send(input);
            fromProxy = client.readUntilClosed(CLOSE_TIMEOUT);
        }
        assertThat(fromRedis).startsWith("+PONG\r\n").contains("-ERR Protocol error: ");
        assertThat(fromProxy).isEqualTo(fromRedis);
    }

    @Test
    void bytesAfterTheErrorAreIgnored() {
        try (RawRedisClient client = RawRedisClient.connect(stack.proxy().host(), stack.proxy().port())) {
            client.send("*1\r\n$x\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n");
            assertThat(client.readUntilClosed(CLOSE_TIMEOUT)).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
        }
        try (Jedis direct = stack.direct()) {
            assertThat(direct.exists("after")).as("a command after the protocol error must not run").isFalse();
        }
    }

    /**
     * Clients busy on the same shared upstream connections while other clients send garbage: every busy
     * client gets every reply, in order, and stays connected.
     */
    @Test
    void otherClientsAreUnaffected() throws Exception {
        int busyClients = 4;
        int rounds = 300;
        ExecutorService pool = Executors.newFixedThreadPool(busyClients);
        try {
            List<Future<Long>> busy = new ArrayList<>();
            for (int c = 0; c < busyClients; c++) {
                String key = "busy:" + c;
                busy.add(pool.submit(() -> {
                    try (Jedis jedis = new Jedis(stack.proxy().host(), stack.proxy().port())) {
                        jedis.del(key);
                        long last = 0;
                        for (int i = 0; i < rounds; i++) {
                            last = jedis.incr(key);
                            assertThat(last).isEqualTo(i + 1);
                        }
                        return last;
                    }
                }));
            }
            for (int i = 0; i < 40; i++) {
                try (RawRedisClient bad = RawRedisClient.connect(stack.proxy().host(), stack.proxy().port())) {
                    bad.send("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*2\r\n$3\r\nGET\r\n$9999999999999\r\n");
                    String transcript = bad.readUntilClosed(CLOSE_TIMEOUT);
                    assertThat(transcript).endsWith("-ERR Protocol error: invalid bulk length\r\n");
                }
            }
            for (Future<Long> f : busy) {
                assertThat(f.get()).isEqualTo(rounds);
            }
        } finally {
            pool.shutdownNow();
        }
        try (Jedis jedis = new Jedis(stack.proxy().host(), stack.proxy().port())) {
            assertThat(jedis.ping()).isEqualTo("PONG");
        }
    }
}
