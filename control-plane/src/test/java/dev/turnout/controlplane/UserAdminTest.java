package dev.turnout.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.util.JsonFormat;
import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.v1.ApplyConfigRequest;
import dev.turnout.v1.ConfigSnapshot;
import dev.turnout.v1.GetConfigRequest;
import dev.turnout.v1.ListUsersRequest;
import dev.turnout.v1.ListUsersResponse;
import dev.turnout.v1.PutUserMode;
import dev.turnout.v1.PutUserRequest;
import dev.turnout.v1.RemoveUserRequest;
import dev.turnout.v1.SetUserPasswordRequest;
import dev.turnout.v1.User;
import dev.turnout.v1.UserInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PutUser, ListUsers, RemoveUser and SetUserPassword over the in-process transport, with a data plane listening. */
class UserAdminTest {

    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String ALICE_HASH = hash("alice-Pa55word");

    @TempDir
    Path dataDir;

    private InProcessControlPlane cp;

    @BeforeEach
    void start() throws Exception {
        cp = InProcessControlPlane.start(dataDir);
        cp.admin().applyConfig(ApplyConfigRequest.newBuilder().setYaml(Documents.ORDERS).build());
    }

    @AfterEach
    void stop() throws Exception {
        cp.close();
    }

    static String hash(String password) {
        return UserConfig.HASH_PREFIX + HexFormat.of().formatHex(UserConfig.sha256(password.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void eachChangeIsANewVersionPushedToTheDataPlanes() throws Exception {
        try (FakeDataPlane dp = cp.connect("dp-1", 1)) {
            long added = cp.admin().putUser(PutUserRequest.newBuilder().setName("alice").setPasswordHash(ALICE_HASH)
                    .setMaxConnections(20).setIfVersion(1).build()).getVersion();
            assertThat(added).isEqualTo(2);
            ConfigSnapshot snapshot = dp.next(SECOND).getConfig();
            assertThat(snapshot.getVersion()).isEqualTo(2);
            assertThat(snapshot.getUsersList()).containsExactly(User.newBuilder().setName("alice")
                    .setPasswordHash(ALICE_HASH).setNamespace("alice:").setCommands("+@all").setMaxConnections(20).build());
            assertThat(snapshot.getRoutesMap().get("orders").getPassword()).isEqualTo(Documents.PASSWORD);

            String newHash = hash("new-Pa55word");
            assertThat(cp.admin().setUserPassword(SetUserPasswordRequest.newBuilder().setName("alice")
                    .setPasswordHash(newHash).build()).getVersion()).isEqualTo(3);
            User changed = dp.next(SECOND).getConfig().getUsers(0);
            assertThat(changed.getPasswordHash()).isEqualTo(newHash);
            assertThat(changed.getMaxConnections()).isEqualTo(20);

            assertThat(cp.admin().removeUser(RemoveUserRequest.newBuilder().setName("alice").setIfVersion(3).build())
                    .getVersion()).isEqualTo(4);
            ConfigSnapshot removed = dp.next(SECOND).getConfig();
            assertThat(removed.getVersion()).isEqualTo(4);
            assertThat(removed.getUsersList()).isEmpty();
        }
    }

    @Test
    void listUsersIsSortedByNameAndHasNoHashes() throws Exception {
        put(PutUserRequest.newBuilder().setName("zoe").setPasswordHash(hash("zoe")).setCommands("+@read").setRateLimit(100));
        put(PutUserRequest.newBuilder().setName("admin").setPasswordHash(ALICE_HASH).setNamespace(""));

        ListUsersResponse users = cp.admin().listUsers(ListUsersRequest.getDefaultInstance());

        assertThat(users.getVersion()).isEqualTo(3);
        assertThat(users.getUsersList()).containsExactly(
                UserInfo.newBuilder().setName("admin").setNamespace("").setCommands("+@all").build(),
                UserInfo.newBuilder().setName("zoe").setNamespace("zoe:").setCommands("+@read").setRateLimit(100).build());
        String shown = users + JsonFormat.printer().print(users);
        assertThat(shown).doesNotContain(ALICE_HASH.substring(7)).doesNotContain(hash("zoe").substring(7));
    }

    @Test
    void getConfigMasksTheHashesAndApplyingItBackKeepsThem() throws Exception {
        put(PutUserRequest.newBuilder().setName("alice").setPasswordHash(ALICE_HASH));
        String yaml = cp.admin().getConfig(GetConfigRequest.getDefaultInstance()).getYaml();
        JsonNode alice = YAML.readTree(yaml).get("users").get(0);
        assertThat(alice.get("password").asText()).isEqualTo("******");
        assertThat(yaml).doesNotContain(ALICE_HASH.substring(7));

        try (FakeDataPlane dp = cp.connect("dp-1", 2)) {
            cp.admin().applyConfig(ApplyConfigRequest.newBuilder().setYaml(yaml.replace("alice:", "tenant-a:"))
                    .setIfVersion(2).build());
            User applied = dp.next(SECOND).getConfig().getUsers(0);
            assertThat(applied.getPasswordHash()).isEqualTo(ALICE_HASH);
            assertThat(applied.getNamespace()).isEqualTo("tenant-a:");
        }
    }

    @Test
    void addingAnExistingUserIsAlreadyExistsUnlessUpdating() {
        put(PutUserRequest.newBuilder().setName("alice").setPasswordHash(ALICE_HASH));

        assertStatus(() -> put(PutUserRequest.newBuilder().setName("alice").setPasswordHash(hash("x"))),
                Status.Code.ALREADY_EXISTS, "user 'alice' already exists in the desired state (version 2); change its"
                        + " password instead, or remove it first");
        assertStatus(() -> put(PutUserRequest.newBuilder().setName("alice").setPasswordHash(hash("x"))
                .setMode(PutUserMode.MUST_BE_NEW)), Status.Code.ALREADY_EXISTS, "user 'alice' already exists");

        put(PutUserRequest.newBuilder().setName("alice").setCommands("+@read").setMode(PutUserMode.MUST_EXIST));
        put(PutUserRequest.newBuilder().setName("alice").setNamespace("").setMode(PutUserMode.NEW_OR_EXISTING));
        UserInfo alice = cp.admin().listUsers(ListUsersRequest.getDefaultInstance()).getUsers(0);
        assertThat(alice).isEqualTo(UserInfo.newBuilder().setName("alice").setNamespace("").setCommands("+@read").build());
        assertThat(cp.store.current().users().get("alice").passwordHash()).isEqualTo(ALICE_HASH);
    }

    @Test
    void changingOrRemovingAnUnknownUserIsNotFound() {
        String message = "user 'bob' does not exist in the desired state (version 1); check the name in the list of"
                + " users, or add the user first";
        assertStatus(() -> cp.admin().removeUser(RemoveUserRequest.newBuilder().setName("bob").build()),
                Status.Code.NOT_FOUND, message);
        assertStatus(() -> cp.admin().setUserPassword(SetUserPasswordRequest.newBuilder().setName("bob")
                .setPasswordHash(ALICE_HASH).build()), Status.Code.NOT_FOUND, message);
        assertStatus(() -> put(PutUserRequest.newBuilder().setName("bob").setPasswordHash(ALICE_HASH)
                .setMode(PutUserMode.MUST_EXIST)), Status.Code.NOT_FOUND, message);
        assertThat(cp.store.current().version()).isEqualTo(1);
    }

    @Test
    void aBadUserIsInvalidArgumentNamingTheField() {
        assertStatus(() -> put(PutUserRequest.newBuilder().setName("a b").setPasswordHash(ALICE_HASH)),
                Status.Code.INVALID_ARGUMENT, "users[a b].name: expected a user name without spaces, got 'a b'");
        assertStatus(() -> put(PutUserRequest.newBuilder().setName("alice").setPasswordHash("alice-Pa55word")),
                Status.Code.INVALID_ARGUMENT, "users[alice].password: expected sha256:<64 hex digits>");
        assertStatus(() -> put(PutUserRequest.newBuilder().setName("alice")),
                Status.Code.INVALID_ARGUMENT, "users[alice].password: missing (expected a value)");
        assertStatus(() -> put(PutUserRequest.newBuilder().setName("alice").setPasswordHash(ALICE_HASH).setRateLimit(-5)),
                Status.Code.INVALID_ARGUMENT, "users[alice].rate-limit: expected a positive whole number, got '-5'");
        assertStatus(() -> cp.admin().removeUser(RemoveUserRequest.getDefaultInstance()),
                Status.Code.INVALID_ARGUMENT, "name: missing (expected the user's name)");
        assertStatus(() -> put(PutUserRequest.newBuilder().setName("alice").setPasswordHash(ALICE_HASH).setIfVersion(9)),
                Status.Code.FAILED_PRECONDITION, "desired state is at version 1, not 9; get it again and retry");
        assertThat(cp.store.current().version()).isEqualTo(1);
        assertThat(cp.store.current().users()).isEmpty();
    }

    private void put(PutUserRequest.Builder request) {
        cp.admin().putUser(request.build());
    }

    private static void assertStatus(ThrowingCallable call, Status.Code code, String descriptionStart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).startsWith(descriptionStart);
        });
    }
}
