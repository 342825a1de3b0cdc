package dev.turnout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.turnout.v1.ApplyConfigRequest;
import dev.turnout.v1.ConfigDocument;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config get and config apply: YAML out, YAML in, password files read here and never shown. */
class ConfigCommandsTest {

    private static final String SECRET = "s3cret-for-orders";

    @TempDir
    Path dir;

    private final ProxyctlRunner proxyctl = new ProxyctlRunner();

    @AfterEach
    void close() {
        proxyctl.close();
    }

    @Test
    void getPrintsTheYamlAfterAVersionComment() {
        proxyctl.admin.config = ConfigDocument.newBuilder().setVersion(7)
                .setYaml("routes:\n  default:\n    upstream: 10.0.1.1:6379\n    password: \"******\"\n").build();

        ProxyctlRunner.Result result = proxyctl.run("config", "get");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                # desired state, version 7 (to change it: proxyctl config apply -f FILE --if-version 7)
                routes:
                  default:
                    upstream: 10.0.1.1:6379
                    password: "******"
                """);
    }

    @Test
    void getJson() {
        proxyctl.admin.config = ConfigDocument.newBuilder().setVersion(7).setYaml("routes: {}\n").build();

        ProxyctlRunner.Result result = proxyctl.run("-o", "json", "config", "get");

        assertThat(result.exitCode()).isZero();
        assertThat(StatusCommandTest.fieldNames(result.json())).containsExactly("version", "yaml");
        assertThat(result.json().get("version").asLong()).isEqualTo(7);
        assertThat(result.json().get("yaml").asText()).isEqualTo("routes: {}\n");
    }

    @Test
    void applySendsAFileWithoutPasswordFilesExactlyAsWritten() throws IOException {
        String yaml = "# the fleet\nlisteners:\n  - listen: 127.0.0.1:6380   # clients\n    route: default\n"
                + "routes:\n  default:\n    upstream: 127.0.0.1:6379\n";
        Path file = Files.writeString(dir.resolve("fleet.yaml"), yaml);

        ProxyctlRunner.Result result = proxyctl.run("config", "apply", "-f", file.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).isEqualTo("applied " + file + ": the desired state is now version 8\n");
        ApplyConfigRequest sent = proxyctl.admin.onlyRequest(ApplyConfigRequest.class);
        assertThat(sent.getYaml()).isEqualTo(yaml);
        assertThat(sent.getIfVersion()).isZero();
    }

    @Test
    void applyInlinesPasswordFilesRelativeToTheYamlAndNeverPrintsThem() throws IOException {
        Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(dir.resolve("secrets/orders.pw"), SECRET + "\n");
        Files.writeString(dir.resolve("cache.pw"), "another-secret\r\n");
        Path file = Files.writeString(dir.resolve("fleet.yaml"), """
                listeners:
                  - listen: 127.0.0.1:6380
                    route: orders
                routes:
                  orders:
                    upstream: 127.0.0.1:6379
                    user: app
                    password-file: secrets/orders.pw
                    databases: 16
                  cache:
                    upstream: 127.0.0.1:6479
                    password-file: cache.pw
                  plain:
                    upstream: 127.0.0.1:6579
                limits:
                  max-clients: 10000
                """);

        ProxyctlRunner.Result result = proxyctl.run("config", "apply", "-f", file.toString(), "--if-version", "7");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out() + result.err()).doesNotContain(SECRET).doesNotContain("another-secret");
        ApplyConfigRequest sent = proxyctl.admin.onlyRequest(ApplyConfigRequest.class);
        assertThat(sent.getIfVersion()).isEqualTo(7);
        JsonNode tree = new YAMLMapper().readTree(sent.getYaml());
        JsonNode orders = tree.get("routes").get("orders");
        assertThat(StatusCommandTest.fieldNames(orders)).containsExactly("upstream", "user", "password", "databases");
        assertThat(orders.get("password").asText()).isEqualTo(SECRET);
        assertThat(orders.get("databases").asInt()).isEqualTo(16);
        assertThat(tree.get("routes").get("cache").get("password").asText()).isEqualTo("another-secret");
        assertThat(tree.get("routes").get("plain").has("password")).isFalse();
        assertThat(tree.get("listeners").get(0).get("route").asText()).isEqualTo("orders");
        assertThat(tree.get("limits").get("max-clients").asInt()).isEqualTo(10000);
        assertThat(sent.getYaml()).doesNotContain("password-file");
    }

    @Test
    void applyReadsTheYamlFromStandardInputWithDashAndResolvesPasswordFilesFromTheWorkingDirectory()
            throws IOException {
        Path pw = Files.writeString(dir.resolve("orders.pw"), SECRET);
        proxyctl.stdin = "routes:\n  orders:\n    upstream: 127.0.0.1:6379\n    password-file: " + pw + "\n";

        ProxyctlRunner.Result result = proxyctl.run("config", "apply", "-f", "-", "-o", "json");

        assertThat(result.exitCode()).isZero();
        assertThat(StatusCommandTest.fieldNames(result.json())).containsExactly("version");
        assertThat(result.json().get("version").asLong()).isEqualTo(8);
        assertThat(proxyctl.admin.onlyRequest(ApplyConfigRequest.class).getYaml()).contains(SECRET);
    }

    @Test
    void aStaleIfVersionExitsFive() throws IOException {
        Path file = Files.writeString(dir.resolve("fleet.yaml"), "routes: {}\n");
        proxyctl.admin.failWith(Status.FAILED_PRECONDITION.withDescription("the desired state is at version 9, not 7"));

        ProxyctlRunner.Result result = proxyctl.run("config", "apply", "-f", file.toString(), "--if-version", "7");

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("proxyctl: the desired state is at version 9, not 7 (FAILED_PRECONDITION); "
                + "'proxyctl config get' shows the current version\n");
    }

    @Test
    void ifVersionZeroAppliesOnlyToAControlPlaneNeverConfigured() throws IOException {
        Path file = Files.writeString(dir.resolve("fleet.yaml"), "routes: {}\n");
        proxyctl.admin.config = ConfigDocument.newBuilder().setVersion(0).build();

        ProxyctlRunner.Result fresh = proxyctl.run("config", "apply", "-f", file.toString(), "--if-version", "0");

        assertThat(fresh.exitCode()).isZero();
        assertThat(proxyctl.admin.requests).hasSize(2).first().isInstanceOf(dev.turnout.v1.GetConfigRequest.class);
        assertThat(proxyctl.admin.requests.get(1)).isInstanceOf(ApplyConfigRequest.class);

        proxyctl.admin.requests.clear();
        proxyctl.admin.config = ConfigDocument.newBuilder().setVersion(3).build();
        ProxyctlRunner.Result configured = proxyctl.run("config", "apply", "-f", file.toString(), "--if-version", "0");

        assertThat(configured.exitCode()).isEqualTo(5);
        assertThat(configured.err()).isEqualTo("proxyctl: the desired state is at version 3, not 0 (--if-version 0);"
                + " 'proxyctl config get' shows the current version\n");
        assertThat(proxyctl.admin.requests).hasSize(1).first().isInstanceOf(dev.turnout.v1.GetConfigRequest.class);
    }

    @Test
    void anInvalidConfigurationExitsOneWithTheServersPath() throws IOException {
        Path file = Files.writeString(dir.resolve("fleet.yaml"), "routes:\n  orders:\n    upstream: nope\n");
        proxyctl.admin.failWith(Status.INVALID_ARGUMENT.withDescription("routes.orders.upstream: expected host:port, got 'nope'"));

        ProxyctlRunner.Result result = proxyctl.run("config", "apply", "-f", file.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo(
                "proxyctl: routes.orders.upstream: expected host:port, got 'nope' (INVALID_ARGUMENT); nothing was changed\n");
    }

    @Test
    void aServerThatEchoesAPasswordDoesNotGetItPrinted() throws IOException {
        Files.writeString(dir.resolve("orders.pw"), SECRET);
        Path file = Files.writeString(dir.resolve("fleet.yaml"),
                "routes:\n  orders:\n    upstream: x\n    password-file: orders.pw\n");
        proxyctl.admin.failWith(Status.INVALID_ARGUMENT.withDescription("routes.orders: bad route {upstream=x, password=" + SECRET + "}"));

        ProxyctlRunner.Result result = proxyctl.run("config", "apply", "-f", file.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo(
                "proxyctl: routes.orders: bad route {upstream=x, password=******} (INVALID_ARGUMENT); nothing was changed\n");
    }

    @Test
    void localProblemsAreUsageErrorsAndNothingIsSent() throws IOException {
        Path both = Files.writeString(dir.resolve("both.yaml"),
                "routes:\n  orders:\n    upstream: x:1\n    password: a\n    password-file: orders.pw\n");
        Path missingPw = Files.writeString(dir.resolve("missing.yaml"),
                "routes:\n  orders:\n    upstream: x:1\n    password-file: nowhere.pw\n");
        Files.writeString(dir.resolve("empty.pw"), "\n");
        Path emptyPw = Files.writeString(dir.resolve("empty.yaml"),
                "routes:\n  orders:\n    upstream: x:1\n    password-file: empty.pw\n");
        Path listPw = Files.writeString(dir.resolve("list.yaml"),
                "routes:\n  orders:\n    upstream: x:1\n    password-file: [a, b]\n");
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "routes:\n  orders: [\n");

        assertUsageError(proxyctl.run("config", "apply", "-f", both.toString()),
                "routes.orders: both password and password-file; keep one");
        assertUsageError(proxyctl.run("config", "apply", "-f", missingPw.toString()),
                "routes.orders.password-file: cannot read " + dir.resolve("nowhere.pw")
                        + " (NoSuchFileException); expected a readable file holding the secret");
        assertUsageError(proxyctl.run("config", "apply", "-f", emptyPw.toString()),
                "routes.orders.password-file: " + dir.resolve("empty.pw") + " is empty; expected the secret");
        assertUsageError(proxyctl.run("config", "apply", "-f", listPw.toString()),
                "routes.orders.password-file: expected a file name, got a list");
        assertUsageError(proxyctl.run("config", "apply", "-f", dir.resolve("absent.yaml").toString()),
                "-f: cannot read " + dir.resolve("absent.yaml") + " (NoSuchFileException); expected a YAML file");
        ProxyctlRunner.Result brokenResult = proxyctl.run("config", "apply", "-f", broken.toString());
        assertThat(brokenResult.exitCode()).isEqualTo(2);
        assertThat(brokenResult.err()).startsWith("proxyctl: " + broken + ": not valid YAML (line ").hasLineCount(1);
        assertUsageError(proxyctl.run("config", "apply", "-f", both.toString(), "--if-version=-1"),
                "--if-version: -1 (expected: a version, 0 or more)");
        ProxyctlRunner.Result noFile = proxyctl.run("config", "apply");
        assertThat(noFile.exitCode()).isEqualTo(2);
        assertThat(noFile.err()).isEqualTo("proxyctl: Missing required option: '--file=FILE' (see 'proxyctl config apply --help')\n");

        assertThat(proxyctl.admin.requests).isEmpty();
        assertThat(proxyctl.dialled).isEmpty();
    }

    private static void assertUsageError(ProxyctlRunner.Result result, String message) {
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("proxyctl: " + message + "\n");
    }
}
