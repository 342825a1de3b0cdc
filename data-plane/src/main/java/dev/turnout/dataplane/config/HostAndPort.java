package dev.turnout.dataplane.config;

import java.net.InetSocketAddress;

/** A host and a TCP port, parsed from {@code host:port} or {@code [v6-address]:port}. */
public record HostAndPort(String host, int port) {

    public HostAndPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host: empty (expected a host name or an IP address)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
    }

    /** Parses {@code host:port}; the message of the exception says what was expected. */
    public static HostAndPort parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("expected host:port, got an empty value");
        }
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("expected host:port (IPv6 addresses in brackets: [::1]:6379), got '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected host:port with a numeric port, got '" + text + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " in '" + text + "' (expected: 1-65535)");
        }
        return new HostAndPort(host, port);
    }

    public InetSocketAddress toUnresolvedAddress() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
