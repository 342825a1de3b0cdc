package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.testing.DataPlaneFixture;
import dev.turnout.testing.RedisServerProcess;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pipelined scripts that put the connection in a state where Redis does not simply run each command as it
 * comes (inside MULTI it queues them; a RESP2 subscriber may run only a few): the proxy, in front of a
 * password-protected Redis, gives exactly the replies a Redis of the same version gives directly.
 */
class SameRepliesAsRedisIT {

    private static final String END = "__end__";

    private static RedisServerProcess protectedRedis;
    private static RedisServerProcess plainRedis;
    private static DataPlaneFixture proxy;

    @BeforeAll
    static void start() {
        protectedRedis = RedisServerProcess.builder().password("parity-secret").start();
        plainRedis = RedisServerProcess.start();
        proxy = DataPlaneFixture.forwardingTo(protectedRedis).start();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (plainRedis != null) {
            plainRedis.close();
        }
        if (protectedRedis != null) {
            protectedRedis.close();
        }
    }

    /** Runs {@code script} in one write, then {@code PING __end__}; returns every reply before that PING's. */
    private static List<Object> replies(String host, int port, String[]... script) {
        try (RespWire wire = new RespWire(host, port)) {
            wire.send("FLUSHALL");
            assertThat(wire.read()).isEqualTo("OK");
            StringBuilder raw = new StringBuilder();
            for (String[] command : script) {
                raw.append(encode(command));
            }
            raw.append(encode("PING", END));
            wire.sendRaw(raw.toString());
            List<Object> replies = new ArrayList<>();
            for (;;) {
                Object reply = wire.read();
                // PING's reply in RESP2 subscribed state is ["pong", message].
                if (END.equals(reply) || List.of("pong", END).equals(reply)) {
                    return replies;
                }
                replies.add(reply);
            }
        }
    }

    private static String encode(String... args) {
        StringBuilder b = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (String arg : args) {
            b.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
        }
        return b.toString();
    }

    private static void assertSameAsRedis(String[]... script) {
        List<Object> fromRedis = replies(plainRedis.host(), plainRedis.port(), script);
        List<Object> fromProxy = replies(proxy.host(), proxy.port(), script);
        assertThat(fromProxy).isEqualTo(fromRedis);
    }

    private static String[] c(String... args) {
        return args;
    }

    /** Redis refuses all but (un)subscribe, PING, QUIT and RESET; the proxy must not answer or act on the rest. */
    @Test
    void resp2SubscriberRunsOnlyWhatRedisAllows() {
        assertSameAsRedis(
                c("SUBSCRIBE", "a", "b"),
                c("CLIENT", "SETNAME", "refused"),
                c("CLIENT", "GETNAME"),
                c("CLIENT", "ID"),
                c("CLIENT", "REPLY", "OFF"),
                c("CLIENT", "TRACKING", "ON"),
                c("HELLO", "2"),
                c("SELECT", "1"),
                c("MULTI"),
                c("WATCH", "k"),
                c("MONITOR"),
                c("GET", "k"),
                c("PING"),
                c("UNSUBSCRIBE", "a"),
                c("PSUBSCRIBE", "p*"),
                c("UNSUBSCRIBE"),
                c("PUNSUBSCRIBE"),
                // Out of subscribed state: nothing refused above took effect.
                c("CLIENT", "GETNAME"),
                c("SET", "k", "v"),
                c("GET", "k"),
                c("EXEC"));
    }

    /** Inside MULTI Redis queues what the proxy would otherwise answer itself; EXEC then runs it. */
    @Test
    void connectionCommandsInsideMultiAreQueuedLikeAnyOther() {
        assertSameAsRedis(
                c("MULTI"),
                c("SET", "k", "1"),
                c("CLIENT", "SETNAME", "tx-name"),
                c("CLIENT", "GETNAME"),
                c("CLIENT", "NO-EVICT", "on"),
                c("CLIENT", "REPLY", "ON"),
                c("INCR", "k"),
                c("EXEC"),
                c("GET", "k"));
    }

    /** SELECT inside MULTI changes the db only if EXEC runs it; later commands must land in Redis's db. */
    @Test
    void selectInsideMultiTakesEffectOnlyIfExecRunsIt() {
        assertSameAsRedis(
                c("SET", "k", "db0"),
                c("MULTI"),
                c("SELECT", "1"),
                c("SET", "k", "db1"),
                c("EXEC"),
                c("GET", "k"),
                c("SELECT", "0"),
                c("GET", "k"),
                // Discarded: still db 0.
                c("MULTI"),
                c("SELECT", "2"),
                c("DISCARD"),
                c("GET", "k"),
                // Aborted by a WATCH this client broke itself: still db 0.
                c("WATCH", "k"),
                c("SET", "k", "db0-again"),
                c("MULTI"),
                c("SELECT", "3"),
                c("EXEC"),
                c("GET", "k"),
                // Refused at EXEC: still db 0.
                c("MULTI"),
                c("SELECT", "99"),
                c("SELECT"),
                c("EXEC"),
                c("GET", "k"),
                c("SELECT", "1"),
                c("GET", "k"));
    }

    /** EXEC and DISCARD without MULTI are errors; the WATCH they leave still aborts the next transaction. */
    @Test
    void watchSurvivesExecAndDiscardWithoutMulti() {
        assertSameAsRedis(
                c("WATCH", "k"),
                c("EXEC"),
                c("DISCARD"),
                c("SET", "k", "changed-by-this-client"),
                c("MULTI"),
                c("SET", "k", "tx"),
                c("EXEC"),
                c("GET", "k"));
    }

    @Test
    void errorsForConnectionCommandsTheProxyAnswers() {
        assertSameAsRedis(
                c("SELECT"),
                c("SELECT", "x"),
                c("SELECT", "16"),
                c("SELECT", "-1"),
                c("CLIENT", "SETNAME", "a b"),
                c("CLIENT", "SETNAME"),
                c("CLIENT", "GETNAME", "extra"),
                c("CLIENT", "NO-EVICT", "maybe"),
                c("HELLO", "4"),
                c("HELLO", "x"),
                c("HELLO", "2", "SETNAME", "bad name"),
                c("HELLO", "2", "NOSUCHOPTION"),
                c("NOSUCHCOMMAND", "arg"));
    }
}
