package dev.turnout.cli;

import dev.turnout.v1.Outcome;
import java.util.LinkedHashMap;
import java.util.Map;

/** What {@code proxyctl}'s exit status means; the one list that {@code --help} prints on every command. */
public enum ExitCode {
    /** The operation was done. */
    OK(0, "done"),
    /** The operation failed, or a resume cancelled a pause, and it was rolled back; or the control plane refused it. */
    FAILED(1, "the operation failed and was rolled back (e.g. an invalid configuration, a pause cancelled by a resume)"),
    /** proxyctl was called wrong: unknown option, bad value, unreadable file; nothing was sent. */
    USAGE(2, "usage error: a bad option or argument, an unreadable or malformed file; nothing was sent"),
    /** The control plane could not be reached, or it refused the token. */
    UNREACHABLE(3, "control plane unreachable or unauthorised (no connection, a missing or refused token)"),
    /** A bound was reached (pause drain, replica catch-up) and rolled back; or no answer within the call's deadline. */
    TIMED_OUT(4, "timed out (and rolled back), e.g. a pause that did not drain in time; if the control plane did not"
            + " answer in time, the operation may still complete: check 'proxyctl status' or 'proxyctl config get'"),
    /**
     * A precondition was not met: the switch target, a lagging replica, a stale --if-version, a user that exists
     * already (user add) or does not exist (user remove, user passwd).
     */
    PRECONDITION(5, "precondition not met (target unreachable, replica lagging, a stale --if-version, a user that"
            + " exists already or does not exist); nothing changed, or it was rolled back");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The process exit status. */
    public int code() {
        return code;
    }

    /** One line for the help text. */
    public String meaning() {
        return meaning;
    }

    /**
     * The exit code for the outcome of a pause, resume or switch: DONE 0; FAILED and CANCELLED 1 (rolled back);
     * TIMED_OUT 4; PRECONDITION_FAILED 5. An outcome this proxyctl does not know (a newer control plane, or none
     * set) is a failure.
     */
    static ExitCode of(Outcome outcome) {
        return switch (outcome) {
            case DONE -> OK;
            case TIMED_OUT -> TIMED_OUT;
            case PRECONDITION_FAILED -> PRECONDITION;
            case FAILED, CANCELLED, OUTCOME_UNSPECIFIED, UNRECOGNIZED -> FAILED;
        };
    }

    /** Code to meaning, in order, the shape picocli's exit-code list takes. */
    static Map<String, String> helpList() {
        Map<String, String> list = new LinkedHashMap<>();
        for (ExitCode e : values()) {
            list.put(Integer.toString(e.code), e.meaning);
        }
        return list;
    }
}
