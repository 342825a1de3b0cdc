package dev.turnout.controlplane.api;

import dev.turnout.controlplane.redis.RedisAdmin;
import dev.turnout.controlplane.redis.RedisAdminException;
import dev.turnout.controlplane.redis.ReplicationInfo;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.v1.ReplicaOffset;
import dev.turnout.v1.UpstreamReplication;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** Each route's upstream as {@code INFO replication} shows it now, asked in parallel, each bounded. */
final class UpstreamReplications {

    static final Duration TIMEOUT = Duration.ofMillis(500);

    private UpstreamReplications() {
    }

    static List<UpstreamReplication> of(ProxyConfig state, ExecutorService executor) {
        List<CompletableFuture<UpstreamReplication>> asks = new ArrayList<>();
        for (RouteConfig route : state.routes().values()) {
            asks.add(CompletableFuture.supplyAsync(() -> ask(route), executor)
                    .completeOnTimeout(unreachable(route, "no answer within " + (2 * TIMEOUT.toMillis()) + " ms"),
                            2 * TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        }
        List<UpstreamReplication> out = new ArrayList<>();
        for (CompletableFuture<UpstreamReplication> ask : asks) {
            out.add(ask.join());
        }
        return out;
    }

    private static UpstreamReplication ask(RouteConfig route) {
        try (RedisAdmin admin = RedisAdmin.connect(route.upstream(), route.user(), route.password(), TIMEOUT)) {
            ReplicationInfo info = admin.replication();
            UpstreamReplication.Builder b = UpstreamReplication.newBuilder().setRoute(route.name())
                    .setUpstream(route.upstream().toString()).setRole(info.role())
                    .setMasterReplOffset(info.masterReplOffset());
            for (ReplicationInfo.Replica r : info.replicas()) {
                b.addReplicas(ReplicaOffset.newBuilder().setAddress(r.address()).setState(r.state())
                        .setOffset(r.offset()).setLagBytes(r.lagBytes()));
            }
            return b.build();
        } catch (RedisAdminException e) {
            return unreachable(route, e.getMessage());
        }
    }

    private static UpstreamReplication unreachable(RouteConfig route, String why) {
        return UpstreamReplication.newBuilder().setRoute(route.name()).setUpstream(route.upstream().toString())
                .setRole("unreachable: " + why).build();
    }
}
