package dev.turnout.testing;

import dev.turnout.testing.NettyLeakTracking.Leak;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaked a Netty buffer. Registered in every test class through
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension} and
 * {@code junit.jupiter.extensions.autodetection.enabled=true} in {@code junit-platform.properties}.
 *
 * <p>Before the class, it checks that leaks are recorded at all and that none is waiting from earlier;
 * after the class, it lets Netty report what became unreachable ({@link NettyLeakTracking#flushReports()})
 * and fails the class if anything was reported, with Netty's access records in the message.
 */
public final class NettyLeakTrackingExtension implements BeforeAllCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        NettyLeakTracking.install();
        if (!NettyLeakTracking.tracksByteBufs()) {
            throw new IllegalStateException("Netty's ByteBuf leak detector was created before NettyLeakTracking was "
                    + "installed, so a leak would only be logged. Something used a ByteBuf before the JUnit launcher "
                    + "session opened: check that org.junit.platform:junit-platform-launcher is on the test classpath "
                    + "and that META-INF/services/org.junit.platform.launcher.LauncherSessionListener names "
                    + NettyLeakTrackingListener.class.getName() + ".");
        }
        List<Leak> earlier = NettyLeakTracking.drainLeaks();
        if (!earlier.isEmpty()) {
            throw new AssertionError(NettyLeakTracking.describe("before " + name(context)
                    + " started (so an earlier test class, or code outside any test, leaked it)", earlier));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        NettyLeakTracking.flushReports();
        List<Leak> found = NettyLeakTracking.drainLeaks();
        if (!found.isEmpty()) {
            throw new AssertionError(NettyLeakTracking.describe("while " + name(context) + " ran", found));
        }
    }

    private static String name(ExtensionContext context) {
        return context.getTestClass().map(Class::getName).orElse(context.getDisplayName());
    }
}
