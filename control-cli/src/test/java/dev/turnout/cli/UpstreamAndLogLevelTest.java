package dev.turnout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.v1.SetLogLevelRequest;
import dev.turnout.v1.SetUpstreamRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** upstream set and log-level: what is sent, what is printed. */
class UpstreamAndLogLevelTest {

    private static final String SECRET = "upstream-password-42";

    @TempDir
    Path dir;

    private final ProxyctlRunner proxyctl = new ProxyctlRunner();

    @AfterEach
    void close() {
        proxyctl.close();
    }

    @Test
    void upstreamSetOnTheDefaultRoute() {
        ProxyctlRunner.Result result = proxyctl.run("upstream", "set", "10.0.1.9:6379");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("route default now goes to 10.0.1.9:6379: the desired state is now version 8\n");
        assertThat(proxyctl.admin.onlyRequest(SetUpstreamRequest.class))
                .isEqualTo(SetUpstreamRequest.newBuilder().setUpstream("10.0.1.9:6379").build());
    }

    @Test
    void upstreamSetWithRouteUserPasswordFileAndIfVersion() throws IOException {
        Path pw = Files.writeString(dir.resolve("orders.pw"), SECRET + "\n");

        ProxyctlRunner.Result result = proxyctl.run("upstream", "set", "[::1]:6379", "--route", "orders",
                "--user", "app", "--password-file", pw.toString(), "--if-version", "7", "-o", "json");

        assertThat(result.exitCode()).isZero();
        assertThat(StatusCommandTest.fieldNames(result.json())).containsExactly("version");
        assertThat(result.json().get("version").asLong()).isEqualTo(8);
        assertThat(proxyctl.admin.onlyRequest(SetUpstreamRequest.class)).isEqualTo(SetUpstreamRequest.newBuilder()
                .setRoute("orders").setUpstream("[::1]:6379").setUser("app").setPassword(SECRET).setIfVersion(7).build());
        assertThat(result.out() + result.err()).doesNotContain(SECRET);
    }

    @Test
    void upstreamSetIfVersionZeroOnAConfiguredControlPlaneExitsFive() {
        proxyctl.admin.config = dev.turnout.v1.ConfigDocument.newBuilder().setVersion(2).build();

        ProxyctlRunner.Result result = proxyctl.run("upstream", "set", "10.0.1.9:6379", "--if-version", "0");

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(proxyctl.admin.requests).noneMatch(SetUpstreamRequest.class::isInstance);
    }

    @Test
    void passwordFileDashReadsStandardInput() {
        proxyctl.stdin = SECRET + "\n";

        ProxyctlRunner.Result result = proxyctl.run("upstream", "set", "10.0.1.9:6379", "--password-file", "-");

        assertThat(result.exitCode()).isZero();
        assertThat(proxyctl.admin.onlyRequest(SetUpstreamRequest.class).getPassword()).isEqualTo(SECRET);
        assertThat(result.out() + result.err()).doesNotContain(SECRET);
    }

    @Test
    void passwordFromAnEmptyStandardInputIsAUsageError() {
        ProxyctlRunner.Result result = proxyctl.run("upstream", "set", "10.0.1.9:6379", "--password-file", "-");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("proxyctl: --password-file: standard input is empty; expected the secret\n");
        assertThat(proxyctl.admin.requests).isEmpty();
    }

    @Test
    void aBadUpstreamAddressIsAUsageError() {
        ProxyctlRunner.Result noPort = proxyctl.run("upstream", "set", "redis.internal");
        ProxyctlRunner.Result badPort = proxyctl.run("upstream", "set", "redis.internal:70000");
        ProxyctlRunner.Result missing = proxyctl.run("upstream", "set");
        ProxyctlRunner.Result noCommand = proxyctl.run("upstream");

        assertThat(noPort.exitCode()).isEqualTo(2);
        assertThat(noPort.err()).isEqualTo("proxyctl: HOST:PORT: expected host:port, got 'redis.internal'\n");
        assertThat(badPort.err()).isEqualTo("proxyctl: HOST:PORT: expected a port from 1 to 65535, got 'redis.internal:70000'\n");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo(
                "proxyctl: Missing required parameter: 'HOST:PORT' (see 'proxyctl upstream set --help')\n");
        assertThat(noCommand.exitCode()).isEqualTo(2);
        assertThat(noCommand.err()).isEqualTo("proxyctl: missing a command: set (see 'proxyctl upstream --help')\n");
        assertThat(proxyctl.admin.requests).isEmpty();
    }

    @Test
    void logLevel() {
        ProxyctlRunner.Result result = proxyctl.run("log-level", "debug");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("dev.turnout logs at DEBUG on the control plane and 2 data planes\n");
        assertThat(proxyctl.admin.onlyRequest(SetLogLevelRequest.class))
                .isEqualTo(SetLogLevelRequest.newBuilder().setLevel("DEBUG").build());
    }

    @Test
    void logLevelOfOneLoggerAsJson() {
        ProxyctlRunner.Result result = proxyctl.run("log-level", "WARN", "--logger", "dev.turnout.dataplane.session",
                "-o", "json");

        assertThat(result.exitCode()).isZero();
        assertThat(StatusCommandTest.fieldNames(result.json())).containsExactly("dataPlanes");
        assertThat(result.json().get("dataPlanes").asInt()).isEqualTo(2);
        assertThat(proxyctl.admin.onlyRequest(SetLogLevelRequest.class)).isEqualTo(
                SetLogLevelRequest.newBuilder().setLogger("dev.turnout.dataplane.session").setLevel("WARN").build());
    }

    @Test
    void anUnknownLogLevelIsAUsageError() {
        ProxyctlRunner.Result result = proxyctl.run("log-level", "LOUD");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).hasLineCount(1).startsWith("proxyctl: Invalid value for positional parameter at index 0 (LEVEL): ");
        assertThat(proxyctl.admin.requests).isEmpty();
    }
}
