package dev.turnout.testing;

import dev.turnout.testing.NettyLeakTracking.Leak;
import java.util.List;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Installs {@link NettyLeakTracking} when the JUnit launcher session opens, before any test class is
 * loaded, and reports the leaks found after the last test class when it closes. Registered through
 * {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 */
public final class NettyLeakTrackingListener implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        NettyLeakTracking.install();
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        NettyLeakTracking.flushReports();
        List<Leak> late = NettyLeakTracking.drainLeaks();
        if (!late.isEmpty()) {
            throw new AssertionError(NettyLeakTracking.describe(
                    "after the last test class finished (by code that outlived its test)", late));
        }
    }
}
