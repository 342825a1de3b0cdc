package dev.turnout.cli;

import dev.turnout.v1.ListUsersResponse;
import dev.turnout.v1.UserInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code proxyctl user list}: the client users, without their password hashes. */
@Command(name = "list", sortOptions = false,
        description = {"Lists the client users, sorted by name.", "",
                "For each: the name, the namespace (its key prefix; - for none, an admin user), the allowed "
                        + "commands, and the connection and rate limits (- for none). Password hashes are never "
                        + "shown.", ""},
        footerHeading = "%nWith -o json:%n",
        footer = {"  {\"version\": N, \"users\": [{\"name\": S, \"namespace\": S, \"commands\": S,",
                "   \"maxConnections\": N, \"rateLimit\": N}...]}   version: the desired state's; 0 = no limit"})
final class UserListCommand implements Runnable {

    @Mixin
    HelpOption help;

    private final Invocation invocation;

    UserListCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public void run() {
        ListUsersResponse users;
        try (AdminClient client = invocation.connect()) {
            users = client.users();
        }
        if (invocation.json()) {
            invocation.printJson(users);
            return;
        }
        if (users.getUsersCount() == 0) {
            invocation.print("no users in the desired state (version " + users.getVersion()
                    + "): clients connect without AUTH; add one with 'proxyctl user add'");
            return;
        }
        Table table = new Table("NAME", "NAMESPACE", "COMMANDS", "MAX CONNECTIONS", "RATE LIMIT");
        for (UserInfo user : users.getUsersList()) {
            table.row(user.getName(), user.getNamespace(), user.getCommands(), limit(user.getMaxConnections()),
                    limit(user.getRateLimit()));
        }
        invocation.print(table.render());
    }

    /** 0 is no limit, which the table shows as "-". */
    private static String limit(int value) {
        return value == 0 ? "" : Integer.toString(value);
    }
}
