package dev.turnout.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A user's upstream ACL credentials: compared, never shown, never written to a document. */
class UserConfigTest {

    private static final byte[] HASH = UserConfig.sha256("s3cret".getBytes(StandardCharsets.UTF_8));
    private static final UserConfig ALICE = new UserConfig("alice", HASH, "alice:", "+@all", 0, 0);
    private static final UserConfig ALICE_UPSTREAM = ALICE.withUpstream("turnout-tenant-alice",
            Secret.of("9f8e7d6c5b4a"), Set.of("default"));

    @Test
    void theShortConstructorHasNoUpstreamUser() {
        assertThat(ALICE.upstreamUser()).isNull();
        assertThat(ALICE.upstreamPassword()).isNull();
        assertThat(ALICE.upstreamRoutes()).isEmpty();
        assertThat(ALICE.hasUpstreamUserOn("default")).isFalse();
        assertThat(ALICE_UPSTREAM.withUpstream(null, null, null)).isEqualTo(ALICE);
    }

    @Test
    void theUpstreamCredentialsAreOnlyForTheirRoutes() {
        assertThat(ALICE_UPSTREAM.hasUpstreamUserOn("default")).isTrue();
        assertThat(ALICE_UPSTREAM.hasUpstreamUserOn("orders")).isFalse();
    }

    @Test
    void equalityIncludesTheUpstreamCredentials() {
        assertThat(ALICE_UPSTREAM).isNotEqualTo(ALICE);
        assertThat(ALICE_UPSTREAM).isEqualTo(ALICE.withUpstream("turnout-tenant-alice", Secret.of("9f8e7d6c5b4a"),
                Set.of("default")));
        assertThat(ALICE_UPSTREAM.hashCode()).isEqualTo(ALICE.withUpstream("turnout-tenant-alice",
                Secret.of("9f8e7d6c5b4a"), Set.of("default")).hashCode());
        assertThat(ALICE_UPSTREAM).isNotEqualTo(ALICE.withUpstream("turnout-tenant-alice", Secret.of("other"),
                Set.of("default")));
        assertThat(ALICE_UPSTREAM).isNotEqualTo(ALICE.withUpstream("turnout-tenant-alice", Secret.of("9f8e7d6c5b4a"),
                Set.of("default", "orders")));
    }

    @Test
    void aUserWithoutItsPasswordIsRefused() {
        assertThatThrownBy(() -> ALICE.withUpstream("turnout-tenant-alice", null, Set.of("default")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("upstreamUser and upstreamPassword: expected both or neither");
    }

    @Test
    void thePasswordIsNeverShownNorWritten() {
        assertThat(ALICE_UPSTREAM.toString()).contains("turnout-tenant-alice").doesNotContain("9f8e7d6c5b4a");
        RouteConfig route = new RouteConfig("default", new HostAndPort("127.0.0.1", 6379), null, null,
                RouteConfig.DEFAULT_DATABASES, RouteConfig.DEFAULT_CONNECT_TIMEOUT);
        ProxyConfig config = new ProxyConfig(1, List.of(), Map.of("default", route),
                LimitsConfig.DEFAULTS, Map.of("alice", ALICE_UPSTREAM));
        for (boolean masked : new boolean[] {true, false}) {
            assertThat(ConfigDocumentWriter.toYaml(config, masked)).doesNotContain("9f8e7d6c5b4a")
                    .doesNotContain("turnout-tenant-alice").doesNotContain("upstream-user");
        }
    }
}
