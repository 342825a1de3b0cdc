package dev.turnout.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.it.support.Replication;
import dev.turnout.it.support.SwitchLoad;
import dev.turnout.it.support.TurnoutFleet;
import dev.turnout.testing.RedisServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * How long traffic is held during a planned switchover (issue 4, point 6): a primary and a replica, a control
 * plane and two data planes, the load of PAUSE_SWITCH.md point 13 through both, and N switches
 * {@code --wait-replication} back and forth (after each, the old primary is made a replica of the new one).
 * Prints each switch's held time, then p50, p99 and max, then the load's checks. Run by bench/switch-held-time.sh.
 */
public final class SwitchHeldTime {

    private static final String PASSWORD = "bench-pw";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private SwitchHeldTime() {
    }

    public static void main(String[] args) throws Exception {
        int switches = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int writers = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path dir = Files.createTempDirectory("turnout-switch-bench");
        try (RedisServerProcess a = RedisServerProcess.builder().password(PASSWORD).args("--masterauth", PASSWORD).start();
             RedisServerProcess b = RedisServerProcess.builder().password(PASSWORD)
                     .args("--replicaof", "127.0.0.1", Integer.toString(a.port()), "--masterauth", PASSWORD).start();
             TurnoutFleet fleet = start(dir, a, b)) {
            RedisServerProcess primary = a;
            RedisServerProcess replica = b;
            SwitchLoad load = SwitchLoad.start(fleet.listeners(), writers, 5);
            List<Long> held = new ArrayList<>();
            try {
                for (int i = 1; i <= switches; i++) {
                    awaitReplicating(replica);
                    JsonNode result = fleet.proxyctlJson(0, "switch", "--to", "127.0.0.1:" + replica.port(),
                            "--wait-replication");
                    JsonNode record = result.get("switch");
                    held.add(record.get("heldMillis").asLong());
                    System.out.printf("switch %2d: %s -> %s held %4d ms (drain %d, replication %d, apply %d; lag %d bytes)%n",
                            i, record.get("from").asText(), record.get("to").asText(), record.get("heldMillis").asLong(),
                            record.get("drainMillis").asLong(), record.get("replicationMillis").asLong(),
                            record.get("applyMillis").asLong(),
                            record.get("fencedOffset").asLong() - record.get("targetOffset").asLong());
                    try (Jedis old = direct(primary)) {
                        old.clientUnpause();
                        old.replicaof("127.0.0.1", replica.port());
                    }
                    RedisServerProcess t = primary;
                    primary = replica;
                    replica = t;
                }
            } finally {
                load.stop();
            }
            Collections.sort(held);
            System.out.printf("held time over %d switches under load (%d pipelined writers + BLPOP, SUBSCRIBE, MULTI "
                            + "clients, 2 data planes): p50 %d ms, p99 %d ms, max %d ms%n", held.size(), writers,
                    percentile(held, 50), percentile(held, 99), held.get(held.size() - 1));
            long mismatched = 0;
            try (Jedis p = direct(primary)) {
                for (Map.Entry<String, Long> e : load.ackedIncrs().entrySet()) {
                    if (Long.parseLong(p.get(e.getKey())) != e.getValue()) {
                        mismatched++;
                    }
                }
            }
            System.out.printf("load: %d writes acknowledged, %d error replies, %d client connections closed, "
                            + "%d counters differing from their acknowledged INCRs, %d items popped twice%n",
                    load.acknowledgedWrites(), load.errorReplies(), load.disconnects(), mismatched, load.poppedTwice());
        }
    }

    private static TurnoutFleet start(Path dir, RedisServerProcess primary, RedisServerProcess replica) {
        awaitReplicating(replica);
        TurnoutFleet fleet = TurnoutFleet.start(dir, 2);
        fleet.route(new HostAndPort("127.0.0.1", primary.port()), PASSWORD);
        return fleet;
    }

    private static Jedis direct(RedisServerProcess redis) {
        return Replication.direct(redis, PASSWORD);
    }

    private static void awaitReplicating(RedisServerProcess replica) {
        Replication.awaitLinkUp(replica, PASSWORD, WAIT);
    }

    private static long percentile(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
