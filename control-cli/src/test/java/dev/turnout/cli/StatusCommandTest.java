package dev.turnout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.turnout.v1.DataPlaneInfo;
import dev.turnout.v1.FleetStatus;
import dev.turnout.v1.GetStatusRequest;
import dev.turnout.v1.ListDataPlanesResponse;
import dev.turnout.v1.RouteStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** status and dataplanes: tables for people, JSON for scripts. */
class StatusCommandTest {

    static final DataPlaneInfo EAST = DataPlaneInfo.newBuilder()
            .setId("dp-east").setConnected(true).setAddress("10.0.0.7:51234").setSoftwareVersion("0.1.0")
            .setAppliedVersion(7).setConnectedClients(1200)
            .addRoutes(RouteStatus.newBuilder().setRoute("default").setUpstream("10.0.1.1:6379"))
            .addRoutes(RouteStatus.newBuilder().setRoute("orders").setUpstream("10.0.1.2:6379"))
            .addListeners("0.0.0.0:6380").addListeners("0.0.0.0:6381")
            .setConnectedSinceMillis(1_700_000_000_123L).setLastSeenMillis(1_700_000_060_999L)
            .build();
    static final DataPlaneInfo WEST = DataPlaneInfo.newBuilder()
            .setId("dp-west").setConnected(false).setAddress("10.0.0.8:40000").setSoftwareVersion("0.1.0")
            .setAppliedVersion(6).setRejectedVersion(7).setRejection("listeners[0].listen: address in use\n(bind failed)")
            .addRoutes(RouteStatus.newBuilder().setRoute("default").setUpstream("10.0.1.1:6379"))
            .addListeners("0.0.0.0:6380")
            .setConnectedSinceMillis(1_700_000_000_000L).setLastSeenMillis(1_700_000_030_000L)
            .build();

    private final ProxyctlRunner proxyctl = new ProxyctlRunner();

    @AfterEach
    void close() {
        proxyctl.close();
    }

    @Test
    void statusTable() {
        proxyctl.admin.status = FleetStatus.newBuilder().setDesiredVersion(7).addDataPlanes(EAST).addDataPlanes(WEST).build();

        ProxyctlRunner.Result result = proxyctl.run("status");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).isEqualTo("""
                desired version 7
                DATA PLANE  CONNECTED  PHASE  VERSION  CLIENTS  IN FLIGHT  HELD  LAST PAUSE  UPSTREAMS                                   LISTENERS                  REJECTED
                dp-east     yes        -      7        1200     0          0     -           default=10.0.1.1:6379,orders=10.0.1.2:6379  0.0.0.0:6380,0.0.0.0:6381  -
                dp-west     no         -      6        0        0          0     -           default=10.0.1.1:6379                       0.0.0.0:6380               version 7: listeners[0].listen: address in use; (bind failed)
                """);
        assertThat(proxyctl.admin.onlyRequest(GetStatusRequest.class)).isEqualTo(GetStatusRequest.getDefaultInstance());
    }

    @Test
    void statusTableWithoutDataPlanesSaysHowToStartOne() {
        proxyctl.admin.status = FleetStatus.newBuilder().setDesiredVersion(3).build();

        ProxyctlRunner.Result result = proxyctl.run("status");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                desired version 3
                no data planes have registered; start one with bin/turnout-data-plane --control-plane HOST:PORT
                """);
    }

    @Test
    void statusJsonHasEveryFieldWithNumbersAsNumbers() {
        proxyctl.admin.status = FleetStatus.newBuilder().setDesiredVersion(7).addDataPlanes(EAST).addDataPlanes(WEST).build();

        ProxyctlRunner.Result result = proxyctl.run("-o", "json", "status");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        JsonNode json = result.json();
        assertThat(fieldNames(json)).containsExactly("desiredVersion", "dataPlanes", "phase", "operation", "upstreams");
        assertThat(json.get("desiredVersion").isIntegralNumber()).isTrue();
        assertThat(json.get("desiredVersion").asLong()).isEqualTo(7);
        JsonNode east = json.get("dataPlanes").get(0);
        assertThat(fieldNames(east)).containsExactly("id", "connected", "address", "softwareVersion", "appliedVersion",
                "rejectedVersion", "rejection", "connectedClients", "routes", "listeners", "connectedSinceMillis",
                "lastSeenMillis", "phase", "inflightCommands", "heldCommands", "lastPauseHeldMillis", "lastPauseEnd");
        assertThat(east.get("id").asText()).isEqualTo("dp-east");
        assertThat(east.get("connected").asBoolean()).isTrue();
        assertThat(east.get("rejectedVersion").asLong()).isZero();
        assertThat(east.get("rejection").asText()).isEmpty();
        assertThat(east.get("routes").get(1).get("route").asText()).isEqualTo("orders");
        assertThat(east.get("routes").get(1).get("upstream").asText()).isEqualTo("10.0.1.2:6379");
        assertThat(east.get("listeners")).hasSize(2);
        assertThat(east.get("connectedSinceMillis").asLong()).isEqualTo(1_700_000_000_123L);
        JsonNode west = json.get("dataPlanes").get(1);
        assertThat(west.get("connected").asBoolean()).isFalse();
        assertThat(west.get("rejectedVersion").asLong()).isEqualTo(7);
        assertThat(west.get("rejection").asText()).isEqualTo("listeners[0].listen: address in use\n(bind failed)");
    }

    @Test
    void outputOptionWorksAfterTheCommandToo() {
        proxyctl.admin.status = FleetStatus.newBuilder().setDesiredVersion(2).build();

        ProxyctlRunner.Result result = proxyctl.run("status", "--output=JSON");

        assertThat(result.exitCode()).isZero();
        assertThat(result.json().get("dataPlanes").isArray()).isTrue();
        assertThat(result.json().get("dataPlanes")).isEmpty();
    }

    @Test
    void dataPlanesTable() {
        proxyctl.admin.dataPlanes = ListDataPlanesResponse.newBuilder().addDataPlanes(EAST).addDataPlanes(WEST).build();

        ProxyctlRunner.Result result = proxyctl.run("dataplanes");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                DATA PLANE  CONNECTED  ADDRESS         SOFTWARE  VERSION  REJECTED                                                       CONNECTED SINCE       LAST SEEN
                dp-east     yes        10.0.0.7:51234  0.1.0     7        -                                                              2023-11-14T22:13:20Z  2023-11-14T22:14:20Z
                dp-west     no         10.0.0.8:40000  0.1.0     6        version 7: listeners[0].listen: address in use; (bind failed)  2023-11-14T22:13:20Z  2023-11-14T22:13:50Z
                """);
    }

    @Test
    void dataPlanesWhenThereAreNone() {
        ProxyctlRunner.Result result = proxyctl.run("dataplanes");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("no data planes have registered");
    }

    @Test
    void dataPlanesJson() {
        proxyctl.admin.dataPlanes = ListDataPlanesResponse.newBuilder().addDataPlanes(EAST).build();

        ProxyctlRunner.Result result = proxyctl.run("dataplanes", "-o", "json");

        assertThat(result.exitCode()).isZero();
        JsonNode json = result.json();
        assertThat(fieldNames(json)).containsExactly("dataPlanes");
        assertThat(json.get("dataPlanes").get(0).get("lastSeenMillis").asLong()).isEqualTo(1_700_000_060_999L);
        assertThat(json.get("dataPlanes").get(0).get("softwareVersion").asText()).isEqualTo("0.1.0");
    }

    static java.util.List<String> fieldNames(JsonNode node) {
        java.util.List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
