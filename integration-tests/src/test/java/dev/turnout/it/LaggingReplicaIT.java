package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.it.support.PausableRelay;
import dev.turnout.it.support.Replication;
import dev.turnout.it.support.TurnoutFleet;
import dev.turnout.testing.RedisServerProcess;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * PAUSE_SWITCH.md point 9's other half: a replica that has not caught up by --replication-timeout. The replica
 * reaches its primary through a relay that can hold the primary's bytes, so it lags on demand with its link up.
 */
class LaggingReplicaIT {

    private static final String PASSWORD = "lag-pw";

    @Test
    void aLaggingReplicaRollsTheSwitchBackUnlessForced(@TempDir Path dir) throws Exception {
        try (RedisServerProcess primary = RedisServerProcess.builder().password(PASSWORD)
                     .args("--repl-diskless-sync-delay", "0").start();
             PausableRelay relay = new PausableRelay(new InetSocketAddress("127.0.0.1", primary.port()));
             RedisServerProcess replica = RedisServerProcess.builder().password(PASSWORD)
                     .args("--replicaof", "127.0.0.1", Integer.toString(relay.port()), "--masterauth", PASSWORD).start();
             TurnoutFleet fleet = TurnoutFleet.start(dir, 1);
             Jedis r = Replication.direct(replica, PASSWORD)) {
            Replication.awaitLinkUp(replica, PASSWORD, Duration.ofSeconds(20));
            long version = fleet.route(new HostAndPort("127.0.0.1", primary.port()), PASSWORD);
            HostAndPort proxy = fleet.listeners().get(0);
            try (Jedis client = new Jedis(proxy.host(), proxy.port(), 30_000)) {
                relay.hold();
                for (int i = 0; i < 100; i++) {
                    client.set("k" + i, "v");
                }

                TurnoutFleet.Run lagging = fleet.proxyctl("switch", "--to", "127.0.0.1:" + replica.port(),
                        "--wait-replication", "--replication-timeout", "300ms");
                assertThat(lagging.exitCode()).as(lagging.out() + lagging.err()).isEqualTo(5);
                assertThat(lagging.err()).contains("replica lagging").contains("bytes behind").contains("unfenced");
                assertThat(fleet.admin().status().getDesiredVersion()).isEqualTo(version);
                assertThat(client.set("after-rollback", "1")).as("unfenced, resumed on the old primary").isEqualTo("OK");
                assertThat(r.info("replication")).contains("role:slave");

                TurnoutFleet.Run forced = fleet.proxyctl("switch", "--to", "127.0.0.1:" + replica.port(),
                        "--wait-replication", "--replication-timeout", "300ms", "--force");
                assertThat(forced.exitCode()).as(forced.out() + forced.err()).isZero();
                assertThat(forced.out()).contains("warning: replica lagging");
                assertThat(r.info("replication")).contains("role:master");
                assertThat(client.set("on-the-replica", "1")).isEqualTo("OK");
                assertThat(r.get("on-the-replica")).isEqualTo("1");
            }
            relay.release();
        }
    }
}
