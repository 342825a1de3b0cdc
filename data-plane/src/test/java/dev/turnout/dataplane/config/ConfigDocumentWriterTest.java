package dev.turnout.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The writer's output is the reader's input: what goes out comes back equal. */
class ConfigDocumentWriterTest {

    private final ConfigDocumentReader reader = new ConfigDocumentReader(name -> null);

    static ProxyConfig sample() {
        RouteConfig orders = new RouteConfig("orders", new HostAndPort("redis-1.internal", 6379), "app",
                Secret.of("s3cr\"et: #[x]\n\u00e9"), 4, Duration.ofMillis(250));
        RouteConfig cache = new RouteConfig("cache", new HostAndPort("::1", 6379), null, null,
                RouteConfig.DEFAULT_DATABASES, RouteConfig.DEFAULT_CONNECT_TIMEOUT);
        RouteConfig numeric = new RouteConfig("123", new HostAndPort("10.0.0.7", 6379), "true", Secret.of("0x10"),
                16, Duration.ofMinutes(1));
        return new ProxyConfig(0,
                List.of(new ListenerConfig(new HostAndPort("127.0.0.1", 6380), "orders"),
                        new ListenerConfig(new HostAndPort("::1", 6381), "cache"),
                        new ListenerConfig(new HostAndPort("0.0.0.0", 6382), "123")),
                Map.of("orders", orders, "cache", cache, "123", numeric),
                new LimitsConfig(500, Duration.ofSeconds(90), 1_000_000, 1000, 64 * 1024, 128));
    }

    @Test
    void unmaskedOutputReadsBackEqual() throws Exception {
        ProxyConfig config = sample();
        assertThat(reader.read(ConfigDocumentWriter.toYaml(config, false), null)).isEqualTo(config);
    }

    @Test
    void versionIsNotPartOfTheDocument() throws Exception {
        ProxyConfig config = sample().withVersion(42);
        assertThat(reader.read(ConfigDocumentWriter.toYaml(config, false), null)).isEqualTo(config.withVersion(0));
    }

    @Test
    void defaultsAreSpelledOut() throws Exception {
        ProxyConfig config = reader.read("routes:\n  default:\n    upstream: 127.0.0.1:6379\n", null);
        assertThat(ConfigDocumentWriter.toYaml(config, true)).isEqualTo("""
                listeners: []
                routes:
                  default:
                    upstream: "127.0.0.1:6379"
                    databases: 16
                    connect-timeout: "2s"
                limits:
                  max-clients: 10000
                  idle-timeout: "0"
                  max-bulk-length: "512mb"
                  max-multibulk-length: 2147483647
                  max-inline-length: "64kb"
                  max-inflight-per-client: 16384
                """);
    }

    @Test
    void maskedPasswordsAreStars() throws Exception {
        String yaml = ConfigDocumentWriter.toYaml(sample(), true);
        assertThat(yaml).contains("password: \"******\"").doesNotContain("s3cr").doesNotContain("0x10");
        assertThat(reader.read(yaml, null).route("orders").password()).isEqualTo(Secret.of("******"));
    }

    @Test
    void usersPasswordHashesAreMaskedLikePasswordsAndInlineWhenUnmasked() throws Exception {
        byte[] sha = UserConfig.sha256("alice's password".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        UserConfig alice = new UserConfig("alice", sha, "alice:", "+@all -@dangerous", 20, 0);
        ProxyConfig sample = sample();
        ProxyConfig config = new ProxyConfig(0, sample.listeners(), sample.routes(), sample.limits(),
                Map.of("alice", alice));

        String masked = ConfigDocumentWriter.toYaml(config, true);
        assertThat(masked).contains("- name: \"alice\"\n  password: \"******\"\n").doesNotContain(alice.passwordHash());
        assertThatThrownBy(() -> reader.read(masked, null)).hasMessageStartingWith("users[0].password: expected sha256:");

        String unmasked = ConfigDocumentWriter.toYaml(config, false);
        assertThat(unmasked).contains("password: \"" + alice.passwordHash() + "\"");
        assertThat(reader.read(unmasked, null)).isEqualTo(config);
    }

    @Test
    void unmaskedPasswordsAreInline() {
        assertThat(ConfigDocumentWriter.toYaml(sample(), false)).contains("password: \"0x10\"");
    }

    @Test
    void anEmptyConfigurationIsWrittenButNotReadable() {
        ProxyConfig empty = new ProxyConfig(0, List.of(), Map.of(), LimitsConfig.DEFAULTS);
        String yaml = ConfigDocumentWriter.toYaml(empty, false);
        assertThat(yaml).startsWith("listeners: []\nroutes: {}\n");
        assertThatThrownBy(() -> reader.read(yaml, null)).hasMessage("routes: empty (expected at least one route with an upstream)");
    }

    @Test
    void durationsAndSizesUseTheLargestExactUnit() {
        assertThat(ConfigDocumentWriter.duration(Duration.ZERO)).isEqualTo("0");
        assertThat(ConfigDocumentWriter.duration(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(ConfigDocumentWriter.duration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(ConfigDocumentWriter.duration(Duration.ofMinutes(120))).isEqualTo("2h");
        assertThat(ConfigDocumentWriter.size(1000)).isEqualTo("1000");
        assertThat(ConfigDocumentWriter.size(3L << 30)).isEqualTo("3gb");
        assertThat(ConfigDocumentWriter.size(Integer.MAX_VALUE)).isEqualTo("2147483647");
    }
}
