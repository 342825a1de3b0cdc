package dev.turnout.dataplane.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {

    @Test
    void capDoublesFromInitialToMax() {
        ReconnectBackoff backoff = new ReconnectBackoff(ReconnectBackoff.INITIAL, ReconnectBackoff.MAX, () -> 0.5);
        assertThat(backoff.capMillis(0)).isZero();
        assertThat(backoff.capMillis(1)).isEqualTo(200);
        assertThat(backoff.capMillis(2)).isEqualTo(400);
        assertThat(backoff.capMillis(6)).isEqualTo(6400);
        assertThat(backoff.capMillis(7)).isEqualTo(10_000);
        assertThat(backoff.capMillis(1000)).isEqualTo(10_000);
    }

    @Test
    void fullJitterSpansZeroToTheCap() {
        assertThat(new ReconnectBackoff(ReconnectBackoff.INITIAL, ReconnectBackoff.MAX, () -> 0).delayMillis(3)).isZero();
        assertThat(new ReconnectBackoff(ReconnectBackoff.INITIAL, ReconnectBackoff.MAX, () -> 0.5).delayMillis(3)).isEqualTo(400);
        assertThat(new ReconnectBackoff(ReconnectBackoff.INITIAL, ReconnectBackoff.MAX, () -> 0.999).delayMillis(40))
                .isEqualTo(9990);
    }

    @Test
    void badSettings() {
        assertThatThrownBy(() -> new ReconnectBackoff(Duration.ZERO, Duration.ofSeconds(1), () -> 0))
                .hasMessage("backoff: initial PT0S, max PT1S (expected: 1 ms <= initial <= max)");
        assertThatThrownBy(() -> new ReconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1), () -> 0))
                .hasMessage("backoff: initial PT2S, max PT1S (expected: 1 ms <= initial <= max)");
    }
}
