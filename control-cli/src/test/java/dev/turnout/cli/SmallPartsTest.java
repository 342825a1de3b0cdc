package dev.turnout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.turnout.v1.ConfigSnapshot;
import dev.turnout.v1.Limits;
import dev.turnout.v1.Route;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.TypeConversionException;

/** Table, ProtoJson, HostPort, DurationConverter, Secrets. */
class SmallPartsTest {

    @Test
    void tableAlignsColumnsAndMarksEmptyCells() {
        String text = new Table("A", "LONGER HEADER", "C").row("x", "", "last").row("wider cell", "y", "").render();

        assertThat(text).isEqualTo("""
                A           LONGER HEADER  C
                x           -              last
                wider cell  y              -
                """);
    }

    @Test
    void protoJsonPrintsMapsAbsentMessagesAndLongsAsNumbers() throws Exception {
        ConfigSnapshot snapshot = ConfigSnapshot.newBuilder().setVersion(9_007_199_254_740_000L)
                .putRoutes("orders", Route.newBuilder().setUpstream("10.0.0.1:6379").build())
                .build();

        JsonNode json = new ObjectMapper().readTree(ProtoJson.print(snapshot));

        assertThat(json.get("version").isIntegralNumber()).isTrue();
        assertThat(json.get("version").asLong()).isEqualTo(9_007_199_254_740_000L);
        assertThat(json.get("listeners").isArray()).isTrue();
        assertThat(json.get("routes").get("orders").get("upstream").asText()).isEqualTo("10.0.0.1:6379");
        assertThat(json.get("routes").get("orders").get("connectTimeoutMillis").asLong()).isZero();
        assertThat(json.get("limits").isNull()).isTrue();
        JsonNode withLimits = new ObjectMapper().readTree(ProtoJson.print(
                snapshot.toBuilder().setLimits(Limits.newBuilder().setMaxClients(5)).build()));
        assertThat(withLimits.get("limits").get("maxClients").asInt()).isEqualTo(5);
    }

    @Test
    void protoJsonIsIndentedWithTwoSpaces() {
        assertThat(ProtoJson.print(dev.turnout.v1.ApplyConfigResponse.newBuilder().setVersion(3).build()))
                .isEqualTo("{\n  \"version\": 3\n}");
        assertThat(ProtoJson.print(dev.turnout.v1.ListDataPlanesResponse.getDefaultInstance()))
                .isEqualTo("{\n  \"dataPlanes\": []\n}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1:7700   | 127.0.0.1 | 7700 | 127.0.0.1:7700",
            "cp.example:1     | cp.example | 1   | cp.example:1",
            "[::1]:7700       | ::1       | 7700 | [::1]:7700",
    })
    void hostPortParses(String text, String host, int port, String printed) {
        HostPort parsed = HostPort.parse(text);

        assertThat(parsed.host()).isEqualTo(host);
        assertThat(parsed.port()).isEqualTo(port);
        assertThat(parsed).hasToString(printed);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "7700          | expected host:port, got '7700'",
            ":7700         | expected host:port, got ':7700'",
            "host:         | expected host:port, got 'host:'",
            "host:0        | expected a port from 1 to 65535, got 'host:0'",
            "host:65536    | expected a port from 1 to 65535, got 'host:65536'",
            "::1:7700      | expected host:port, got '::1:7700'",
    })
    void hostPortRefuses(String text, String message) {
        assertThatThrownBy(() -> HostPort.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource({"250ms, 250", "10s, 10000", "2m, 120000", "1h, 3600000", "PT1.5S, 1500"})
    void durations(String text, long millis) {
        assertThat(new DurationConverter().convert(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void durationsFormatTheWayTheyAreTyped() {
        assertThat(DurationConverter.format(Duration.ofSeconds(10))).isEqualTo("10s");
        assertThat(DurationConverter.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThatThrownBy(() -> new DurationConverter().convert("-1s")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> new DurationConverter().convert("PT0S"))
                .hasMessage("expected a duration of more than 0, got 'PT0S'");
    }

    @Test
    void secretsAreMaskedWhereverTheyAppearButShortOnesAreLeftAlone() {
        Secrets secrets = new Secrets();
        secrets.add("hunter2-long");
        secrets.add("dev");

        assertThat(secrets.redact("a hunter2-long b hunter2-long dev.turnout"))
                .isEqualTo("a ****** b ****** dev.turnout");
    }

    @Test
    void yamlProblemsLoseTheirMarks() {
        assertThat(FleetFile.problem("while parsing a flow node\n in 'reader', line 2, column 6:\n      a: [\n"
                + "         ^\nexpected the node content, but found '<stream end>'\n in 'reader', line 3, column 1:\n"))
                .isEqualTo("while parsing a flow node; expected the node content, but found '<stream end>'");
    }
}
