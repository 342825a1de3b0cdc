package dev.turnout.controlplane.api;

import dev.turnout.controlplane.state.UserChange;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.v1.ListUsersResponse;
import dev.turnout.v1.PutUserMode;
import dev.turnout.v1.PutUserRequest;
import dev.turnout.v1.UserInfo;
import java.util.Comparator;

/**
 * The user RPCs' messages to and from the store's terms: a {@link PutUserRequest} as a {@link UserChange} (an
 * unset field keeps the current value, or takes the document's default), the state's users as a
 * {@link ListUsersResponse}, which has no field for a password hash.
 */
final class UserRequests {

    private UserRequests() {
    }

    /** The change PutUser asks for; an empty password hash keeps the current one. */
    static UserChange change(PutUserRequest request) {
        return new UserChange(request.getName(),
                request.getPasswordHash().isEmpty() ? null : request.getPasswordHash(),
                request.hasNamespace() ? request.getNamespace() : null,
                request.hasCommands() ? request.getCommands() : null,
                request.hasMaxConnections() ? request.getMaxConnections() : null,
                request.hasRateLimit() ? request.getRateLimit() : null);
    }

    /** UNSPECIFIED (and a mode newer than this control plane) reads as MUST_BE_NEW: never overwrite by accident. */
    static UserChange.Presence presence(PutUserMode mode) {
        return switch (mode) {
            case MUST_EXIST -> UserChange.Presence.MUST_EXIST;
            case NEW_OR_EXISTING -> UserChange.Presence.NEW_OR_EXISTING;
            case MUST_BE_NEW, PUT_USER_MODE_UNSPECIFIED, UNRECOGNIZED -> UserChange.Presence.MUST_BE_NEW;
        };
    }

    /** The users of {@code state}, sorted by name, without their hashes. */
    static ListUsersResponse list(ProxyConfig state) {
        ListUsersResponse.Builder response = ListUsersResponse.newBuilder().setVersion(state.version());
        state.users().values().stream().sorted(Comparator.comparing(UserConfig::name)).forEach(user ->
                response.addUsers(UserInfo.newBuilder()
                        .setName(user.name())
                        .setNamespace(user.namespace())
                        .setCommands(user.commands())
                        .setMaxConnections(user.maxConnections())
                        .setRateLimit(user.rateLimit())));
        return response.build();
    }
}
