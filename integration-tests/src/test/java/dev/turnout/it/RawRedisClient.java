package dev.turnout.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A bare RESP2 client on a plain socket, for what Jedis hides: malformed input, pipelines written without
 * reading, and telling "the server closed the connection" apart from "the server replied with an error".
 *
 * <p>{@link #read()} decodes one reply: a {@code String} for simple and bulk strings, {@link Error} for an
 * error, {@code Long} for an integer, {@code List} for an array, {@code null} for a null.
 */
final class RawRedisClient implements AutoCloseable {

    /** An error reply, without its leading '-'. */
    record Error(String message) {
    }

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RawRedisClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }

    static RawRedisClient connect(String host, int port) {
        return connect(host, port, 0);
    }

    /** @param receiveBuffer the socket's receive buffer size, set before connecting (0: the system's default) */
    static RawRedisClient connect(String host, int port, int receiveBuffer) {
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            return new RawRedisClient(socket);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing after a failed connect
            }
            throw new UncheckedIOException("cannot connect to " + host + ":" + port, e);
        }
    }

    /** Writes {@code raw} as it is (ISO-8859-1, so every char is one byte). */
    RawRedisClient send(String raw) {
        return send(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawRedisClient send(byte[] raw) {
        try {
            out.write(raw);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes one command as a multibulk. */
    RawRedisClient command(String... args) {
        return send(encode(args));
    }

    /** Sends one command and reads its reply. */
    Object call(String... args) {
        command(args);
        return read();
    }

    static byte[] encode(String... args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            b.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(bytes);
            b.writeBytes(new byte[] {'\r', '\n'});
        }
        return b.toByteArray();
    }

    /** Reads one reply; fails if the connection closes or nothing comes within 10 s. */
    Object read() {
        try {
            return readValue();
        } catch (IOException e) {
            throw new UncheckedIOException("reading a reply", e);
        }
    }

    /** Whether the peer closes the connection within {@code timeout}; fails if it sends anything instead. */
    boolean awaitClosed(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            int b = in.read();
            if (b >= 0) {
                throw new AssertionError("expected the connection to close, but read '" + (char) b + "'");
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset by the peer: closed as well
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            } catch (SocketException ignored) {
                // the socket is closed
            }
        }
    }

    /** Everything the peer sends until it closes the connection; fails if it has not closed within {@code timeout}. */
    String readUntilClosed(Duration timeout) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] chunk = new byte[8192];
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException();
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                int n;
                try {
                    n = in.read(chunk);
                } catch (SocketTimeoutException e) {
                    throw e;
                } catch (SocketException e) {
                    break; // reset by the peer after its last reply
                }
                if (n < 0) {
                    break;
                }
                all.write(chunk, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection was not closed within " + timeout + "; read so far: "
                    + all.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    OutputStream output() {
        return out;
    }

    InputStream input() {
        return in;
    }

    private Object readValue() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("the connection was closed by the peer");
        }
        String line = readLine();
        switch (type) {
            case '+':
                return line;
            case '-':
                return new Error(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] body = in.readNBytes(length + 2);
                if (body.length < length + 2) {
                    throw new EOFException("the connection was closed in the middle of a bulk string");
                }
                return new String(body, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(readValue());
                }
                return items;
            }
            default:
                throw new IOException("not a RESP2 reply type: '" + (char) type + "' followed by " + line);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException("the connection was closed in the middle of a line: " + line);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
