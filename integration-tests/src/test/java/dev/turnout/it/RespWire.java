package dev.turnout.it;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plain socket speaking RESP, for what client libraries hide: raw and inline bytes, MONITOR lines,
 * RESP3 pushes, CLIENT REPLY OFF (no reply at all), a server closing the connection.
 *
 * <p>{@link #read()} decodes one value: simple strings and bulk strings as {@code String} (UTF-8), errors
 * as {@link Error}, integers as {@code Long}, null bulks, arrays and RESP3 nulls as {@code null}, arrays and
 * sets as {@code List}, maps as {@code Map}, pushes as {@link Push}. Every read has a deadline
 * ({@link #timeout}), so a missing reply fails the test instead of hanging it.
 */
final class RespWire implements AutoCloseable {

    /** An error reply: {@code -ERR ...} or {@code !...}, without the type byte. */
    record Error(String message) {
    }

    /** A RESP3 push ({@code >}): pub/sub messages, tracking invalidations. */
    record Push(List<Object> items) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RespWire(String host, int port) {
        try {
            socket = new Socket(host, port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(5_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How long a read waits for the next byte before failing. */
    RespWire timeout(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Sends one command as a RESP multibulk. */
    RespWire send(String... args) {
        StringBuilder b = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            b.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
        }
        return sendRaw(b.toString());
    }

    /** Sends bytes exactly as given (an inline command, a pipeline, half a command). */
    RespWire sendRaw(String raw) {
        try {
            out.write(raw.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Sends one command and reads its reply. */
    Object call(String... args) {
        return send(args).read();
    }

    /** Reads the next value. */
    Object read() {
        try {
            return readValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the server closed the connection: the next read sees the end of the stream. */
    boolean closedByServer() {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private Object readValue() throws IOException {
        int type = in.read();
        if (type == -1) {
            throw new EOFException("the server closed the connection");
        }
        String line = readLine();
        switch (type) {
            case '+':
                return line;
            case '-':
                return new Error(line);
            case ':':
                return Long.parseLong(line);
            case '_':
                return null;
            case '#':
                return line.equals("t");
            case ',':
                return Double.parseDouble(line);
            case '(':
                return new java.math.BigInteger(line);
            case '$':
            case '=':
            case '!': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] body = in.readNBytes(length);
                readLine();
                String s = new String(body, StandardCharsets.UTF_8);
                return type == '!' ? new Error(s) : s;
            }
            case '*':
            case '~':
            case '>': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(readValue());
                }
                return type == '>' ? new Push(items) : items;
            }
            case '%': {
                int n = Integer.parseInt(line);
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    map.put(readValue(), readValue());
                }
                return map;
            }
            case '|': {
                int n = Integer.parseInt(line); // attributes: skipped, the value follows
                for (int i = 0; i < 2 * n; i++) {
                    readValue();
                }
                return readValue();
            }
            default:
                throw new IOException("not RESP: type byte '" + (char) type + "' followed by '" + line + "'");
        }
    }

    private String readLine() throws IOException {
        StringBuilder b = new StringBuilder();
        for (;;) {
            int c = in.read();
            if (c == -1) {
                throw new EOFException("the server closed the connection mid-line: '" + b + "'");
            }
            if (c == '\r') {
                int lf = in.read();
                if (lf != '\n') {
                    throw new IOException("CR not followed by LF after '" + b + "'");
                }
                return b.toString();
            }
            b.append((char) c);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
    }
}
