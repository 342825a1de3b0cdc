package dev.turnout.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** What {@code proxyctl}'s exit status means; the one list that {@code --help} prints on every command. */
public enum ExitCode {
    /** The operation was done. */
    OK(0, "done"),
    /** The control plane refused or failed the operation and changed nothing (e.g. invalid configuration). */
    FAILED(1, "the operation failed and was rolled back (e.g. an invalid configuration, a pause cancelled by a resume)"),
    /** proxyctl was called wrong: unknown option, bad value, unreadable file; nothing was sent. */
    USAGE(2, "usage error: a bad option or argument, an unreadable or malformed file; nothing was sent"),
    /** The control plane could not be reached, or it refused the token. */
    UNREACHABLE(3, "the control plane is unreachable, or refused the token"),
    /** No answer within --timeout. */
    TIMED_OUT(4, "timed out (and rolled back): a pause that did not drain in time; without an answer, a change may still"
            + " be applied: check with 'proxyctl status' or 'proxyctl config get'"),
    /** The operation's precondition was not met, e.g. a stale --if-version. */
    PRECONDITION(5, "precondition not met (target unreachable or of the wrong role, replica lagging, a stale --if-version);"
            + " nothing changed, or it was rolled back");

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

    /** Code to meaning, in order, the shape picocli's exit-code list takes. */
    static Map<String, String> helpList() {
        Map<String, String> list = new LinkedHashMap<>();
        for (ExitCode e : values()) {
            list.put(Integer.toString(e.code), e.meaning);
        }
        return list;
    }
}
