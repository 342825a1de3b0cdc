package dev.turnout.controlplane.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.dataplane.config.ConfigDocumentReader;
import dev.turnout.dataplane.config.ConfigException;
import org.junit.jupiter.api.Test;

class InvalidChangeExceptionTest {

    @Test
    void keepsThePathAndTheReason() {
        assertThat(new InvalidChangeException("routes.a.upstream", "expected host:port, got 'x'").getMessage())
                .isEqualTo("routes.a.upstream: expected host:port, got 'x'");
    }

    @Test
    void yamlSyntaxErrorsLoseTheQuotedLinesButKeepWhere() {
        String message = readerError("routes:\n  a: {upstream: x\n  password: hunter2\n");
        assertThat(message).contains("hunter2"); // what the reader says, before we cut it
        String safe = InvalidChangeException.safe(message);
        assertThat(safe).doesNotContain("hunter2").doesNotContain("\n")
                .startsWith("not valid YAML: while parsing a flow mapping (line 2, column 6); ")
                .contains("(line 3, column 11)");
    }

    @Test
    void aliasNamesAreHidden() {
        // An unquoted password that starts with '*' or '&' reads as an alias or an anchor.
        assertThat(InvalidChangeException.safe("not valid YAML: found undefined alias hunter2\n in 'reader', line 4, column 15:"))
                .isEqualTo("not valid YAML: found undefined alias (not shown) (line 4, column 15)");
    }

    @Test
    void tabsAndOtherSyntaxErrors() {
        String safe = InvalidChangeException.safe(readerError("routes:\n\tpassword: hunter2\n"));
        assertThat(safe).doesNotContain("hunter2").contains("line 2");
    }

    @Test
    void longMessagesAreCut() {
        String safe = InvalidChangeException.safe("x".repeat(2000));
        assertThat(safe).hasSize(InvalidChangeException.MAX_LENGTH).endsWith("...");
    }

    private static String readerError(String yaml) {
        try {
            new ConfigDocumentReader(name -> null).read(yaml, null);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the reader to refuse: " + yaml);
    }
}
