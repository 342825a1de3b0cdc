package dev.turnout.dataplane.resp;

/**
 * Bytes that are not RESP. The connection they came from cannot be read any further.
 *
 * <p>From {@link RequestParser} the message is the error Redis itself would send the client, without
 * the leading {@code '-'} (for example {@code "ERR Protocol error: invalid multibulk length"}), so it can
 * be written as is with {@link RespWriter#error}. From {@link ReplyFramer} it describes what was wrong
 * with the upstream's bytes, for the log.
 */
public final class RespProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    public RespProtocolException(String message) {
        super(message);
    }
}
