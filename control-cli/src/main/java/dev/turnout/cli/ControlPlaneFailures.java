package dev.turnout.cli;

import io.grpc.Status;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;

/**
 * Turns a failed call into an exit code and one line that says what happened and what to do next. The
 * control plane's own message (which names the offending path, e.g. {@code routes.orders.upstream}) is
 * kept; its stack trace, if any, is not.
 */
final class ControlPlaneFailures {

    private static final String REACH_HINT =
            "is turnout-control-plane running? set --control-plane or TURNOUT_CONTROL_PLANE";

    private ControlPlaneFailures() {
    }

    /** What a call does, which decides what a missed deadline means. */
    enum CallKind {
        /** Reads: a timeout changed nothing; retry. */
        READ,
        /** Changes the desired state: it may have been made anyway. */
        CHANGE,
        /** Pause, resume, switch: the control plane may still be running it. */
        OPERATION
    }

    /**
     * @param address    where the call went
     * @param tokenSent  whether an authorization header was sent
     * @param timeout    the deadline the call had
     * @param kind       what the call does (a timeout of a change or operation leaves the outcome unknown)
     * @param ifVersion  the --if-version given, 0 for none
     */
    record CallContext(HostPort address, boolean tokenSent, Duration timeout, CallKind kind, long ifVersion) {
    }

    static CliFailure translate(Status status, CallContext call) {
        String code = status.getCode().name();
        String description = oneLine(status.getDescription());
        String at = "the control plane at " + call.address();
        return switch (status.getCode()) {
            case UNAVAILABLE -> new CliFailure(ExitCode.UNREACHABLE,
                    "cannot reach " + at + " (" + unavailableReason(status) + "); " + REACH_HINT);
            case UNAUTHENTICATED -> new CliFailure(ExitCode.UNREACHABLE, call.tokenSent()
                    ? at + " refused the token (UNAUTHENTICATED); check --token-file or TURNOUT_TOKEN"
                    : at + " wants a token and none was given (UNAUTHENTICATED); set --token-file or TURNOUT_TOKEN");
            case PERMISSION_DENIED -> new CliFailure(ExitCode.UNREACHABLE,
                    at + " does not allow this token to do that (" + withDescription(code, description)
                            + "); use an admin token");
            case DEADLINE_EXCEEDED -> deadlineExceeded(description, call, at);
            case FAILED_PRECONDITION -> new CliFailure(ExitCode.PRECONDITION,
                    orCode(description, "precondition not met") + " (" + code + ")" + (call.ifVersion() != 0
                            ? "; 'proxyctl config get' shows the current version"
                            : ""));
            // A user that exists already (add) or does not exist (remove, passwd): the state is not what was expected.
            case NOT_FOUND, ALREADY_EXISTS -> new CliFailure(ExitCode.PRECONDITION,
                    orCode(description, at + " refused the request") + " (" + code + "); nothing was changed");
            case INVALID_ARGUMENT -> new CliFailure(ExitCode.FAILED,
                    orCode(description, at + " refused the request") + " (" + code + "); nothing was changed");
            case UNIMPLEMENTED -> new CliFailure(ExitCode.FAILED,
                    at + " does not implement this call (" + withDescription(code, description)
                            + "); is it older than this proxyctl?");
            case INTERNAL, UNKNOWN, DATA_LOSS -> new CliFailure(ExitCode.FAILED,
                    at + " failed (" + withDescription(code, description) + "); see its log");
            default -> new CliFailure(ExitCode.FAILED, orCode(description, at + " refused the request")
                    + " (" + code + ")");
        };
    }

    private static CliFailure deadlineExceeded(String description, CallContext call, String at) {
        String within = DurationConverter.format(call.timeout());
        // gRPC says "waiting_for_connection" when the call never left the client: nobody answered the dial.
        if (description != null && description.contains("waiting_for_connection")) {
            return new CliFailure(ExitCode.UNREACHABLE,
                    "cannot reach " + at + " (no connection within " + within + "); " + REACH_HINT);
        }
        return new CliFailure(ExitCode.TIMED_OUT, at + " did not answer within " + within + " (DEADLINE_EXCEEDED); "
                + switch (call.kind()) {
                    case READ -> "retry, or allow longer with --timeout";
                    case CHANGE -> "if it made the change anyway, 'proxyctl config get' shows the new version;"
                            + " check before retrying";
                    case OPERATION -> "the operation may still be completing on the control plane;"
                            + " check 'proxyctl status' and 'proxyctl history' before retrying";
                });
    }

    /** Why the dial failed, in a few words: "connection refused", "unknown host cp.example". */
    private static String unavailableReason(Status status) {
        for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return "unknown host" + (t.getMessage() == null ? "" : " " + firstWord(t.getMessage()));
            }
            if (t instanceof ConnectException && t.getMessage() != null) {
                return connectFailure(t.getMessage());
            }
        }
        String description = oneLine(status.getDescription());
        return description == null ? "UNAVAILABLE" : description + ", UNAVAILABLE";
    }

    /**
     * Netty's words without the address and the system call: "connection refused" from
     * "finishConnect(..) failed: Connection refused: /127.0.0.1:7700" or "Connection refused: /127.0.0.1:7700";
     * "connection timed out" from "connection timed out: /10.0.0.1:7700" (or after "... after 10000 ms").
     */
    static String connectFailure(String message) {
        String m = message.replaceFirst(":\\s*\\S*/\\S*$", "").strip();
        int failed = m.lastIndexOf("failed: ");
        if (failed >= 0) {
            m = m.substring(failed + "failed: ".length());
        }
        return m.isEmpty() ? "connection failed" : m.substring(0, 1).toLowerCase(Locale.ROOT) + m.substring(1);
    }

    private static String firstWord(String text) {
        int space = text.indexOf(' ');
        String word = space < 0 ? text : text.substring(0, space);
        return word.endsWith(":") ? word.substring(0, word.length() - 1) : word;
    }

    private static String withDescription(String code, String description) {
        return description == null ? code : code + ": " + description;
    }

    private static String orCode(String description, String fallback) {
        return description == null ? fallback : description;
    }

    /** The description on one line: a multi-line message would break "one line on stderr". */
    static String oneLine(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        return text.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
