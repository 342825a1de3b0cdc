package dev.turnout.controlplane.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.dataplane.config.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tenants' upstream passwords: made once, kept across restarts, private, never shown. */
class TenantPasswordsTest {

    @TempDir
    Path dataDir;

    @Test
    void aPasswordIsMadeOnceAndSurvivesAReopen() throws Exception {
        TenantPasswords passwords = TenantPasswords.open(dataDir);
        assertThat(passwords.users()).isEmpty();
        assertThat(Files.exists(dataDir.resolve(TenantPasswords.NAME))).isFalse();

        Secret alice = passwords.passwordFor("alice");
        assertThat(alice.reveal()).matches("[0-9a-f]{64}");
        assertThat(passwords.passwordFor("alice")).isEqualTo(alice);
        Secret bob = passwords.passwordFor("bob");
        assertThat(bob).isNotEqualTo(alice);

        TenantPasswords reopened = TenantPasswords.open(dataDir);
        assertThat(reopened.users()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(reopened.passwordFor("alice")).isEqualTo(alice);
        assertThat(reopened.passwordFor("bob")).isEqualTo(bob);
    }

    @Test
    void theFileIsPrivateAndReplacedWhole() throws Exception {
        TenantPasswords passwords = TenantPasswords.open(dataDir);
        passwords.passwordFor("alice");
        passwords.passwordFor("bob");

        Path file = dataDir.resolve(TenantPasswords.NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.exists(dataDir.resolve(TenantPasswords.NAME + ".tmp"))).isFalse();
        assertThat(Files.readString(file)).startsWith("# Turnout control plane").contains("\nalice ", "\nbob ");
    }

    @Test
    void aCrashsLeftoverIsRemovedAtOpen() throws Exception {
        Files.writeString(dataDir.resolve(TenantPasswords.NAME + ".tmp"), "half a fi");
        TenantPasswords.open(dataDir).passwordFor("alice");
        assertThat(Files.exists(dataDir.resolve(TenantPasswords.NAME + ".tmp"))).isFalse();
    }

    @Test
    void aBadLineIsNamedButNotQuoted() throws IOException {
        Files.writeString(dataDir.resolve(TenantPasswords.NAME), "# comment\nalice " + "ab".repeat(32) + "\n"
                + "bob not-a-secret-hex\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> TenantPasswords.open(dataDir))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(dataDir.resolve(TenantPasswords.NAME) + ", line 3: expected '<user> <64 lowercase"
                        + " hex digits>'")
                .hasMessageNotContaining("not-a-secret-hex");
    }

    @Test
    void noPasswordIsShown() throws Exception {
        TenantPasswords passwords = TenantPasswords.open(dataDir);
        Secret alice = passwords.passwordFor("alice");
        assertThat(passwords.toString()).doesNotContain(alice.reveal());
        assertThat(alice.toString()).doesNotContain(alice.reveal());
    }
}
