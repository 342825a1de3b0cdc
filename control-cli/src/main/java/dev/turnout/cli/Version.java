package dev.turnout.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code proxyctl --version}: the build's version, from the filtered {@code version.properties}. */
final class Version implements IVersionProvider {

    static String number() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "development build";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "development build");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"proxyctl " + number() + " (API dev.turnout.v1, Java " + Runtime.version().feature() + ")"};
    }
}
