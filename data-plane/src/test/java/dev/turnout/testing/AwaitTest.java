package dev.turnout.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void returnsOnceTheConditionHolds() {
        AtomicInteger polls = new AtomicInteger();

        Await.until(Duration.ofSeconds(5), "the third poll", () -> polls.incrementAndGet() == 3);

        assertThat(polls).hasValue(3);
    }

    @Test
    void returnsTheFirstAcceptedValue() {
        AtomicInteger polls = new AtomicInteger();

        int value = Await.until(Duration.ofSeconds(5), "a value above 2", polls::incrementAndGet, v -> v > 2);

        assertThat(value).isEqualTo(3);
    }

    @Test
    void failsAfterTheDeadlineSayingWhatAndTheLastValue() {
        assertThatThrownBy(() -> Await.until(Duration.ofMillis(50), "the answer", () -> 41, v -> v == 42))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Timed out after 50 ms waiting for the answer")
                .hasMessageContaining("last value: 41");
    }

    @Test
    void pollsAtLeastOnceWithAZeroTimeout() {
        Await.until(Duration.ZERO, "something already true", () -> true);
    }

    @Test
    void letsAnExceptionFromTheConditionThrough() {
        assertThatThrownBy(() -> Await.until(Duration.ofSeconds(5), "a broken condition", () -> {
            throw new IllegalStateException("broken");
        })).isInstanceOf(IllegalStateException.class).hasMessage("broken");
    }

    @Test
    void rejectsANegativeTimeout() {
        assertThatThrownBy(() -> Await.until(Duration.ofSeconds(-1), "x", () -> true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout: PT-1S (expected: >= 0)");
    }
}
