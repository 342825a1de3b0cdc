package dev.turnout.controlplane.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.util.List;
import java.util.Locale;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/** Changes the control plane's own log levels at run time (Logback). */
final class LogLevels {

    /** The levels SetLogLevel accepts, as data_plane.proto lists them. */
    static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    /** The logger an empty name stands for: Turnout's own root. */
    static final String TURNOUT_ROOT = "dev.turnout";

    private LogLevels() {
    }

    /** The level in upper case, or null if it is not one of {@link #LEVELS}. */
    static String normalise(String level) {
        String upper = level.strip().toUpperCase(Locale.ROOT);
        return LEVELS.contains(upper) ? upper : null;
    }

    /** Sets {@code logger} (empty: {@value #TURNOUT_ROOT}) to a level {@link #normalise} accepted. */
    static void set(String logger, String level) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            context.getLogger(logger.isEmpty() ? TURNOUT_ROOT : logger).setLevel(Level.toLevel(level));
        }
    }
}
