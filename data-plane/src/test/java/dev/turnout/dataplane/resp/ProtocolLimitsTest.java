package dev.turnout.dataplane.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProtocolLimitsTest {

    @Test
    void defaultsAreRedisDefaults() {
        assertThat(ProtocolLimits.DEFAULTS.maxBulkLength()).isEqualTo(512L * 1024 * 1024);
        assertThat(ProtocolLimits.DEFAULTS.maxMultibulkLength()).isEqualTo(Integer.MAX_VALUE);
        assertThat(ProtocolLimits.DEFAULTS.maxInlineLength()).isEqualTo(64 * 1024);
        assertThat(new RequestParser().limits()).isSameAs(ProtocolLimits.DEFAULTS);
    }

    @Test
    void rejectsLimitsThatCannotWork() {
        assertThatThrownBy(() -> new ProtocolLimits(0, 1, 1))
                .hasMessage("maxBulkLength: 0 (expected: 1-2147483647)");
        assertThatThrownBy(() -> new ProtocolLimits(1L << 31, 1, 1))
                .hasMessage("maxBulkLength: 2147483648 (expected: 1-2147483647)");
        assertThatThrownBy(() -> new ProtocolLimits(1, 0, 1))
                .hasMessage("maxMultibulkLength: 0 (expected: > 0)");
        assertThatThrownBy(() -> new ProtocolLimits(1, 1, -1))
                .hasMessage("maxInlineLength: -1 (expected: > 0)");
    }
}
