package dev.turnout.dataplane.upstream;

import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.dataplane.config.Secret;
import dev.turnout.dataplane.config.UserConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * What an upstream connection is, as far as sharing goes: the server, the credentials it authenticated
 * with, the database it selected and the protocol it speaks. Connections are pooled by this key, so a
 * shared connection only ever carries commands that expect exactly this state.
 */
public record UpstreamEndpoint(HostAndPort address, String user, Secret password, int db, int protocol,
                               Duration connectTimeout) {

    public UpstreamEndpoint {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (protocol != 2 && protocol != 3) {
            throw new IllegalArgumentException("protocol: " + protocol + " (expected: 2 or 3)");
        }
        if (db < 0) {
            throw new IllegalArgumentException("db: " + db + " (expected: >= 0)");
        }
    }

    /**
     * Where the commands of a client of {@code route} go: the route's upstream, as the client's own upstream ACL user
     * when the control plane provisioned one for it there (a user restricted to the client's namespace, so that
     * Redis itself refuses a key outside it), else with the route's credentials.
     *
     * @param user the client's user, or null (not authenticated, or no users configured)
     */
    public static UpstreamEndpoint forClient(RouteConfig route, UserConfig user, int db, int protocol) {
        if (user != null && user.hasUpstreamUserOn(route.name())) {
            return new UpstreamEndpoint(route.upstream(), user.upstreamUser(), user.upstreamPassword(), db, protocol,
                    route.connectTimeout());
        }
        return new UpstreamEndpoint(route.upstream(), route.user(), route.password(), db, protocol,
                route.connectTimeout());
    }

    public UpstreamEndpoint withDb(int newDb) {
        return newDb == db ? this : new UpstreamEndpoint(address, user, password, newDb, protocol, connectTimeout);
    }

    public UpstreamEndpoint withProtocol(int newProtocol) {
        return newProtocol == protocol ? this : new UpstreamEndpoint(address, user, password, db, newProtocol, connectTimeout);
    }

    /** Whether {@code other} is the same server, reached with the same credentials (whatever the db and protocol). */
    public boolean sameServer(UpstreamEndpoint other) {
        return address.equals(other.address) && Objects.equals(user, other.user) && Objects.equals(password, other.password);
    }

    /** The same server and credentials, whatever the db and protocol: one authentication-failure log line each. */
    public String credentialsKey() {
        return address + "/" + (user == null ? "default" : user);
    }

    @Override
    public String toString() {
        return address + " db=" + db + " resp" + protocol + (user == null ? "" : " user=" + user);
    }
}
