package dev.turnout.controlplane.state;

import dev.turnout.dataplane.config.ConfigException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A change to the desired state that does not validate. The message names the path and what was expected
 * there, and is safe to show a client: it never quotes the document's lines, so a password cannot leak
 * through it.
 */
public final class InvalidChangeException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Long enough for any message of the reader, short enough for one log line. */
    static final int MAX_LENGTH = 400;

    private static final Pattern YAML_LOCATION = Pattern.compile("^\\s*in '[^']*', line (\\d+), column (\\d+):?\\s*$");
    private static final Pattern YAML_NAMED_NODE = Pattern.compile("\\b(alias|anchor|tag) \\S+");

    public InvalidChangeException(String path, String message) {
        super(safe(path.isEmpty() ? message : path + ": " + message));
    }

    /** The reader's error, cut to the path and the reason. */
    public static InvalidChangeException of(ConfigException e) {
        return new InvalidChangeException("", e.getMessage());
    }

    /**
     * SnakeYAML's syntax errors quote the offending lines of the document (which may hold a password) under
     * each "in 'reader', line N, column M:" mark. Keeps the unindented lines (the reason), turns each mark
     * into "(line N, column M)", drops the quoted lines and carets, hides alias/anchor/tag names (an
     * unquoted password starting with '*' or '&amp;' reads as one), and makes it one line.
     */
    static String safe(String message) {
        if (message == null || message.isBlank()) {
            return "invalid configuration";
        }
        StringBuilder out = new StringBuilder();
        for (String line : message.split("\\R")) {
            Matcher location = YAML_LOCATION.matcher(line);
            if (location.matches()) {
                out.append(" (line ").append(location.group(1)).append(", column ").append(location.group(2)).append(')');
            } else if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                if (out.length() > 0) {
                    out.append("; ");
                }
                out.append(YAML_NAMED_NODE.matcher(line.strip()).replaceAll("$1 (not shown)"));
            }
        }
        String s = out.length() == 0 ? "invalid configuration" : out.toString();
        return s.length() <= MAX_LENGTH ? s : s.substring(0, MAX_LENGTH - 3) + "...";
    }
}
