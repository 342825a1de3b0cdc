package dev.turnout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.v1.ConfigDocument;
import dev.turnout.v1.ListUsersRequest;
import dev.turnout.v1.ListUsersResponse;
import dev.turnout.v1.PutUserMode;
import dev.turnout.v1.PutUserRequest;
import dev.turnout.v1.RemoveUserRequest;
import dev.turnout.v1.SetUserPasswordRequest;
import dev.turnout.v1.UserInfo;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** user add, list, remove and passwd: what is sent (a hash, never the password), what is printed, the exit codes. */
class UserCommandsTest {

    private static final String PASSWORD = "alice-Pa55word";
    /** printf %s 'alice-Pa55word' | sha256sum */
    private static final String PASSWORD_HASH = PasswordHash.of(PASSWORD.getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    private final ProxyctlRunner proxyctl = new ProxyctlRunner();

    @AfterEach
    void close() {
        proxyctl.close();
    }

    @Test
    void thePasswordHashIsSha256OfTheBytesInHex() {
        // echo -n abc | sha256sum
        assertThat(PasswordHash.of("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void addSendsTheHashOfThePasswordFileLessOneNewline() throws IOException {
        Path file = Files.writeString(dir.resolve("alice.pw"), PASSWORD + "\n");

        ProxyctlRunner.Result result = proxyctl.run("user", "add", "alice", "--password-file", file.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("added user alice: the desired state is now version 8\n");
        assertThat(result.err()).isEmpty();
        assertThat(proxyctl.admin.onlyRequest(PutUserRequest.class)).isEqualTo(PutUserRequest.newBuilder()
                .setName("alice").setPasswordHash(PASSWORD_HASH).setMode(PutUserMode.MUST_BE_NEW).build());
        assertThat(proxyctl.admin.requests.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void addWithEveryOptionAsJson() throws IOException {
        Path file = Files.write(dir.resolve("ops.pw"), (PASSWORD + "\r\n").getBytes(StandardCharsets.UTF_8));

        ProxyctlRunner.Result result = proxyctl.run("-o", "json", "user", "add", "ops", "--password-file", file.toString(),
                "--namespace", "", "--commands", "+@all -@dangerous", "--max-connections", "20", "--rate-limit", "5000",
                "--if-version", "7");

        assertThat(result.exitCode()).isZero();
        assertThat(StatusCommandTest.fieldNames(result.json())).containsExactly("version");
        assertThat(result.json().get("version").asLong()).isEqualTo(8);
        assertThat(proxyctl.admin.onlyRequest(PutUserRequest.class)).isEqualTo(PutUserRequest.newBuilder()
                .setName("ops").setPasswordHash(PASSWORD_HASH).setNamespace("").setCommands("+@all -@dangerous")
                .setMaxConnections(20).setRateLimit(5000).setMode(PutUserMode.MUST_BE_NEW).setIfVersion(7).build());
    }

    @Test
    void onlyOneTrailingNewlineIsDropped() throws IOException {
        Path file = Files.writeString(dir.resolve("two.pw"), PASSWORD + "\n\n");

        assertThat(proxyctl.run("user", "passwd", "alice", "--password-file", file.toString()).exitCode()).isZero();

        assertThat(proxyctl.admin.onlyRequest(SetUserPasswordRequest.class).getPasswordHash())
                .isEqualTo(PasswordHash.of((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void passwordFileDashReadsStandardInput() {
        proxyctl.stdin = PASSWORD + "\n";

        ProxyctlRunner.Result result = proxyctl.run("user", "passwd", "alice", "--password-file", "-");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("changed the password of user alice: the desired state is now version 8\n");
        assertThat(proxyctl.admin.onlyRequest(SetUserPasswordRequest.class)).isEqualTo(SetUserPasswordRequest.newBuilder()
                .setName("alice").setPasswordHash(PASSWORD_HASH).build());
    }

    @Test
    void aMissingOrEmptyPasswordFileIsAUsageErrorAndNothingIsSent() throws IOException {
        Path missing = dir.resolve("absent.pw");
        ProxyctlRunner.Result absent = proxyctl.run("user", "add", "alice", "--password-file", missing.toString());
        ProxyctlRunner.Result emptyStdin = proxyctl.run("user", "passwd", "alice", "--password-file", "-");
        Path newline = Files.writeString(dir.resolve("newline.pw"), "\n");
        ProxyctlRunner.Result onlyNewline = proxyctl.run("user", "add", "alice", "--password-file", newline.toString());
        ProxyctlRunner.Result noOption = proxyctl.run("user", "add", "alice");

        assertThat(absent.exitCode()).isEqualTo(2);
        assertThat(absent.err()).isEqualTo("proxyctl: --password-file: cannot read " + missing
                + " (NoSuchFileException); expected a readable file holding the secret\n");
        assertThat(emptyStdin.exitCode()).isEqualTo(2);
        assertThat(emptyStdin.err()).isEqualTo("proxyctl: --password-file: standard input is empty; expected the secret\n");
        assertThat(onlyNewline.exitCode()).isEqualTo(2);
        assertThat(onlyNewline.err()).isEqualTo("proxyctl: --password-file: " + newline + " is empty; expected the secret\n");
        assertThat(noOption.exitCode()).isEqualTo(2);
        assertThat(noOption.err()).isEqualTo(
                "proxyctl: Missing required option: '--password-file=FILE' (see 'proxyctl user add --help')\n");
        assertThat(proxyctl.admin.requests).isEmpty();
    }

    @Test
    void listIsATableWithoutHashes() {
        proxyctl.admin.users = ListUsersResponse.newBuilder().setVersion(12)
                .addUsers(UserInfo.newBuilder().setName("admin").setNamespace("").setCommands("+@all"))
                .addUsers(UserInfo.newBuilder().setName("alice").setNamespace("alice:").setCommands("+@all -@dangerous")
                        .setMaxConnections(200).setRateLimit(50000))
                .build();

        ProxyctlRunner.Result result = proxyctl.run("user", "list");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                NAME   NAMESPACE  COMMANDS           MAX CONNECTIONS  RATE LIMIT
                admin  -          +@all              -                -
                alice  alice:     +@all -@dangerous  200              50000
                """);
        assertThat(proxyctl.admin.onlyRequest(ListUsersRequest.class)).isEqualTo(ListUsersRequest.getDefaultInstance());
    }

    @Test
    void listAsJsonHasEveryField() {
        proxyctl.admin.users = ListUsersResponse.newBuilder().setVersion(12)
                .addUsers(UserInfo.newBuilder().setName("admin").setCommands("+@all"))
                .build();

        ProxyctlRunner.Result result = proxyctl.run("user", "list", "-o", "json");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                {
                  "version": 12,
                  "users": [
                    {
                      "name": "admin",
                      "namespace": "",
                      "commands": "+@all",
                      "maxConnections": 0,
                      "rateLimit": 0
                    }
                  ]
                }
                """);
    }

    @Test
    void anEmptyListSaysSo() {
        proxyctl.admin.users = ListUsersResponse.newBuilder().setVersion(3).build();

        ProxyctlRunner.Result result = proxyctl.run("user", "list");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("no users in the desired state (version 3): clients connect without AUTH;"
                + " add one with 'proxyctl user add'\n");
    }

    @Test
    void removeSendsTheNameAndIfVersion() {
        ProxyctlRunner.Result result = proxyctl.run("user", "remove", "alice", "--if-version", "7");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("removed user alice: the desired state is now version 8\n");
        assertThat(proxyctl.admin.onlyRequest(RemoveUserRequest.class))
                .isEqualTo(RemoveUserRequest.newBuilder().setName("alice").setIfVersion(7).build());
    }

    @Test
    void anUnknownUserExitsFiveWithTheControlPlanesMessage() {
        proxyctl.admin.failWith(Status.NOT_FOUND.withDescription("user 'bob' does not exist in the desired state"
                + " (version 4); check the name in the list of users, or add the user first"));

        ProxyctlRunner.Result remove = proxyctl.run("user", "remove", "bob");
        proxyctl.stdin = PASSWORD;
        ProxyctlRunner.Result passwd = proxyctl.run("user", "passwd", "bob", "--password-file", "-");

        for (ProxyctlRunner.Result result : new ProxyctlRunner.Result[] {remove, passwd}) {
            assertThat(result.exitCode()).isEqualTo(5);
            assertThat(result.out()).isEmpty();
            assertThat(result.err()).isEqualTo("proxyctl: user 'bob' does not exist in the desired state (version 4);"
                    + " check the name in the list of users, or add the user first (NOT_FOUND); nothing was changed\n");
        }
    }

    @Test
    void addingAnExistingUserExitsFive() {
        proxyctl.admin.failWith(Status.ALREADY_EXISTS.withDescription("user 'alice' already exists in the desired"
                + " state (version 4); change its password instead, or remove it first"));
        proxyctl.stdin = PASSWORD;

        ProxyctlRunner.Result result = proxyctl.run("-o", "json", "user", "add", "alice", "--password-file", "-");

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("proxyctl: user 'alice' already exists in the desired state (version 4);"
                + " change its password instead, or remove it first (ALREADY_EXISTS); nothing was changed\n");
    }

    @Test
    void anInvalidUserExitsOneAndTheEchoedPasswordIsMasked() {
        // A control plane that quoted the password back would still not get it printed.
        proxyctl.admin.failWith(Status.INVALID_ARGUMENT.withDescription("users[a b].name: expected a user name without"
                + " spaces, got 'a b' (" + PASSWORD + ")"));
        proxyctl.stdin = PASSWORD;

        ProxyctlRunner.Result result = proxyctl.run("user", "add", "a b", "--password-file", "-");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("proxyctl: users[a b].name: expected a user name without spaces, got 'a b'"
                + " (******) (INVALID_ARGUMENT); nothing was changed\n");
    }

    @Test
    void ifVersionZeroOnAConfiguredControlPlaneExitsFiveBeforeTheChange() {
        proxyctl.admin.config = ConfigDocument.newBuilder().setVersion(2).build();

        ProxyctlRunner.Result result = proxyctl.run("user", "remove", "alice", "--if-version", "0");

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(proxyctl.admin.requests).noneMatch(RemoveUserRequest.class::isInstance);
    }

    @Test
    void aMissingNameOrCommandIsAUsageError() {
        ProxyctlRunner.Result noName = proxyctl.run("user", "remove");
        ProxyctlRunner.Result noCommand = proxyctl.run("user");
        ProxyctlRunner.Result unknown = proxyctl.run("user", "delete", "alice");

        assertThat(noName.exitCode()).isEqualTo(2);
        assertThat(noName.err()).isEqualTo("proxyctl: Missing required parameter: 'NAME' (see 'proxyctl user remove --help')\n");
        assertThat(noCommand.exitCode()).isEqualTo(2);
        assertThat(noCommand.err()).isEqualTo("proxyctl: missing a command: add, list, remove, passwd"
                + " (see 'proxyctl user --help')\n");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("proxyctl: unknown command 'delete'");
        assertThat(proxyctl.admin.requests).isEmpty();
    }
}
