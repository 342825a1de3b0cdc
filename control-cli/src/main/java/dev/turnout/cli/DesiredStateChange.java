package dev.turnout.cli;

import dev.turnout.v1.ApplyConfigResponse;
import java.util.function.Function;

/**
 * How every command that makes a new version of the desired state ends ({@code config apply}, {@code upstream
 * set}, {@code user add/remove/passwd}): --if-version 0 checked just before the call, the call, then
 * {@code {"version": N}} with -o json, else one line saying what was done and the new version.
 */
final class DesiredStateChange {

    /** The -o json shape, for the commands' help. */
    static final String JSON_HELP = "  {\"version\": N}   the new version of the desired state";

    private DesiredStateChange() {
    }

    /**
     * @param condition the --if-version given (its value is already in the request {@code change} sends)
     * @param change    sends the change
     * @param done      what was done, e.g. "added user alice"
     */
    static void run(Invocation invocation, IfVersion condition, Function<AdminClient, ApplyConfigResponse> change,
                    String done) {
        ApplyConfigResponse response;
        try (AdminClient client = invocation.connect()) {
            condition.checkBefore(client);
            response = change.apply(client);
        }
        if (invocation.json()) {
            invocation.printJson(response);
            return;
        }
        invocation.print(done + ": the desired state is now version " + response.getVersion());
    }
}
