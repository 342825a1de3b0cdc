package dev.turnout.dataplane.resp;

import java.util.Objects;

/**
 * An error reply ({@code -} or RESP3 {@code !}) decoded by {@link RespValues}.
 *
 * @param message the error text without the leading {@code '-'}, e.g. {@code "WRONGPASS invalid ..."}
 */
public record RespError(String message) {

    public RespError {
        Objects.requireNonNull(message, "message");
    }

    /** The error code: the first word of the message, e.g. {@code "ERR"}, {@code "MOVED"}, {@code "NOAUTH"}. */
    public String code() {
        int space = message.indexOf(' ');
        return space < 0 ? message : message.substring(0, space);
    }
}
