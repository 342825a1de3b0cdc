package dev.turnout.dataplane.resp;

import io.netty.buffer.ByteBuf;

/**
 * Splits an inline command line into arguments the way Redis's {@code sdssplitargs} does, one token
 * per call: blanks separate tokens; {@code "double quotes"} understand {@code \xHH}, {@code \n},
 * {@code \r}, {@code \t}, {@code \b}, {@code \a} and take any other escaped byte literally;
 * {@code 'single quotes'} understand only {@code \'}; a quote may open in the middle of a token
 * ({@code a"b c"} is {@code ab c}); a closing quote must be followed by a blank or the end of the line.
 *
 * <p>One deviation: a NUL byte is an ordinary byte here. In Redis it ends the C string, which in
 * practice means such a line is never executed.
 */
final class InlineArgumentSplitter {

    static final String UNBALANCED_QUOTES = "ERR Protocol error: unbalanced quotes in request";

    /** Decoded length of the token found by the last {@link #next} call. */
    private int tokenLength;

    int tokenLength() {
        return tokenLength;
    }

    /**
     * Reads the next token of the line {@code [from, end)} (absolute indices of {@code line}), appending
     * its decoded bytes to {@code out} unless it is {@code null}.
     *
     * @return the index just past the token, or {@code -1} if only blanks were left
     * @throws RespProtocolException on unbalanced quotes or a closing quote followed by a non-blank
     */
    int next(ByteBuf line, int from, int end, ByteBuf out) throws RespProtocolException {
        int p = from;
        while (p < end && isSpace(line.getByte(p))) {
            p++;
        }
        if (p == end) {
            return -1;
        }
        int length = 0;
        boolean inDoubleQuotes = false;
        boolean inSingleQuotes = false;
        while (true) {
            if (p == end) {
                if (inDoubleQuotes || inSingleQuotes) {
                    throw new RespProtocolException(UNBALANCED_QUOTES);
                }
                break;
            }
            byte b = line.getByte(p);
            if (inDoubleQuotes) {
                if (b == '\\' && p + 3 < end && line.getByte(p + 1) == 'x'
                        && isHexDigit(line.getByte(p + 2)) && isHexDigit(line.getByte(p + 3))) {
                    append(out, hexValue(line.getByte(p + 2)) << 4 | hexValue(line.getByte(p + 3)));
                    length++;
                    p += 4;
                } else if (b == '\\' && p + 1 < end) {
                    append(out, unescape(line.getByte(p + 1)));
                    length++;
                    p += 2;
                } else if (b == '"') {
                    p = closeQuote(line, p, end);
                    inDoubleQuotes = false;
                    break;
                } else {
                    append(out, b);
                    length++;
                    p++;
                }
            } else if (inSingleQuotes) {
                if (b == '\\' && p + 1 < end && line.getByte(p + 1) == '\'') {
                    append(out, '\'');
                    length++;
                    p += 2;
                } else if (b == '\'') {
                    p = closeQuote(line, p, end);
                    inSingleQuotes = false;
                    break;
                } else {
                    append(out, b);
                    length++;
                    p++;
                }
            } else if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                p++;
                break;
            } else if (b == '"') {
                inDoubleQuotes = true;
                p++;
            } else if (b == '\'') {
                inSingleQuotes = true;
                p++;
            } else {
                append(out, b);
                length++;
                p++;
            }
        }
        tokenLength = length;
        return p;
    }

    /** A closing quote at {@code quote} must be followed by a blank or the end; returns the index past it. */
    private static int closeQuote(ByteBuf line, int quote, int end) throws RespProtocolException {
        int after = quote + 1;
        if (after < end && !isSpace(line.getByte(after))) {
            throw new RespProtocolException(UNBALANCED_QUOTES);
        }
        return after;
    }

    private static void append(ByteBuf out, int b) {
        if (out != null) {
            out.writeByte(b);
        }
    }

    private static int unescape(byte b) {
        switch (b) {
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'b':
                return '\b';
            case 'a':
                return 7;
            default:
                return b;
        }
    }

    /** C's {@code isspace} in the "C" locale. */
    static boolean isSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    private static boolean isHexDigit(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    private static int hexValue(byte b) {
        if (b <= '9') {
            return b - '0';
        }
        return (b | 0x20) - 'a' + 10;
    }
}
