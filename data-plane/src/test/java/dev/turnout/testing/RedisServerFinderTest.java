package dev.turnout.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.testing.RedisServerFinder.Binary;
import dev.turnout.testing.RedisServerFinder.Container;
import dev.turnout.testing.RedisServerFinder.Lookups;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedisServerFinderTest {

    private static final Path ON_PATH = Path.of("/usr/bin/redis-server");
    private static final Path FROM_ENV = Path.of("/opt/redis/bin/redis-server");

    @Test
    void prefersRedisServerFromTheEnvironment() {
        Lookups lookups = lookups("/opt/redis/bin/redis-server", Map.of(
                FROM_ENV, "Redis server v=7.2.4 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=1",
                ON_PATH, "Redis server v=7.0.15 sha=00000000:0"), true);

        assertThat(RedisServerFinder.find(lookups)).isEqualTo(new Binary(FROM_ENV, "7.2.4"));
    }

    @Test
    void failsWhenTheEnvironmentNamesSomethingThatDoesNotRun() {
        Lookups lookups = lookups("/nowhere/redis-server", Map.of(ON_PATH, "Redis server v=7.0.15"), true);

        assertThatThrownBy(() -> RedisServerFinder.find(lookups))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("REDIS_SERVER=/nowhere/redis-server")
                .hasMessageContaining("must be the path to a redis-server executable");
    }

    @Test
    void failsWhenTheEnvironmentNamesARedisOlderThanSeven() {
        Lookups lookups = lookups(FROM_ENV.toString(), Map.of(FROM_ENV, "Redis server v=6.2.14 sha=0"), true);

        assertThatThrownBy(() -> RedisServerFinder.find(lookups))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is Redis 6.2.14 (expected: >= 7.0)");
    }

    @Test
    void usesRedisServerOnThePathWhenTheEnvironmentIsUnsetOrBlank() {
        Map<Path, String> versions = Map.of(ON_PATH, "Redis server v=7.0.15 sha=00000000:0");

        assertThat(RedisServerFinder.find(lookups(null, versions, true))).isEqualTo(new Binary(ON_PATH, "7.0.15"));
        assertThat(RedisServerFinder.find(lookups(" ", versions, true))).isEqualTo(new Binary(ON_PATH, "7.0.15"));
    }

    @Test
    void skipsARedisOlderThanSevenOnThePathForDocker() {
        Lookups lookups = lookups(null, Map.of(ON_PATH, "Redis server v=6.0.16 sha=00000000:0"), true);

        assertThat(RedisServerFinder.find(lookups)).isEqualTo(new Container("redis:7"));
    }

    @Test
    void usesDockerWhenNoRedisServerIsInstalled() {
        assertThat(RedisServerFinder.find(lookups(null, Map.of(), true))).isEqualTo(new Container("redis:7"));
    }

    @Test
    void failsSayingHowToInstallRedisWhenNothingIsAvailable() {
        assertThatThrownBy(() -> RedisServerFinder.find(lookups(null, Map.of(), false)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("REDIS_SERVER is not set")
                .hasMessageContaining("redis-server is not on the PATH")
                .hasMessageContaining("no Docker engine is reachable")
                .hasMessageContaining("apt-get install redis-server")
                .hasMessageContaining("set REDIS_SERVER=/path/to/redis-server");
    }

    @Test
    void failsNamingTheTooOldRedisOnThePathWhenDockerIsUnreachable() {
        Lookups lookups = lookups(null, Map.of(ON_PATH, "Redis server v=6.0.16 sha=00000000:0"), false);

        assertThatThrownBy(() -> RedisServerFinder.find(lookups))
                .hasMessageContaining("/usr/bin/redis-server is Redis 6.0.16 (expected: >= 7.0)")
                .hasMessageContaining("apt-get install redis-server");
    }

    @Test
    void parsesTheVersionThatRedisServerPrints() {
        assertThat(RedisServerFinder.parseVersion("Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0"))
                .contains("7.0.15");
        assertThat(RedisServerFinder.parseVersion("Redis server v=8.0 sha=1")).contains("8.0");
        assertThat(RedisServerFinder.parseVersion("bash: redis-server: command not found")).isEmpty();
    }

    @Test
    void findsTheRedisOfThisMachine() {
        assertThat(RedisServerFinder.onThisMachine()).isNotNull();
    }

    /**
     * Lookups where {@code REDIS_SERVER} is {@code env}, {@code redis-server} is on the PATH when
     * {@code versions} knows {@link #ON_PATH}, and each executable prints its entry in {@code versions}.
     */
    private static Lookups lookups(String env, Map<Path, String> versions, boolean docker) {
        return new Lookups(
                name -> name.equals("REDIS_SERVER") ? env : null,
                name -> name.equals("redis-server") && versions.containsKey(ON_PATH) ? Optional.of(ON_PATH) : Optional.empty(),
                path -> Optional.ofNullable(versions.get(path)),
                () -> docker);
    }
}
