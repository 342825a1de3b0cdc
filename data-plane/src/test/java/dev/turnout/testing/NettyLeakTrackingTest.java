package dev.turnout.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.turnout.testing.NettyLeakTracking.Leak;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

class NettyLeakTrackingTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String LEAKING_CLASS_HINT = "turnout.leakingClassHint";

    @Test
    void wasInstalledBeforeTheByteBufLeakDetectorWasCreated() {
        assertThat(NettyLeakTracking.tracksByteBufs()).isTrue();
    }

    @Test
    void recordsADeliberatelyLeakedBuffer() {
        String hint = "deliberate leak by NettyLeakTrackingTest " + UUID.randomUUID();

        leakOneBuffer(hint);

        Await.until(TIMEOUT, "Netty to report the leaked buffer", () -> {
            NettyLeakTracking.flushReports();
            return NettyLeakTracking.leaks();
        }, leaks -> leaks.stream().anyMatch(leak -> leak.records().contains(hint)));
        List<Leak> leaks = NettyLeakTracking.drainLeaks(); // keeps the run green: this leak was on purpose
        assertThat(leaks).singleElement().satisfies(leak -> {
            assertThat(leak.resourceType()).isEqualTo("ByteBuf");
            assertThat(leak.records()).contains(hint).contains("NettyLeakTrackingTest.leakOneBuffer");
            assertThat(leak.toString()).startsWith("LEAK: ByteBuf.release() was not called");
        });
        assertThat(NettyLeakTracking.leaks()).isEmpty();
    }

    @Test
    void theExtensionFailsATestClassThatLeaks() {
        String hint = "deliberate leak by LeakingTestClass " + UUID.randomUUID();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(LeakingTestClass.class))
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .configurationParameter(LEAKING_CLASS_HINT, hint)
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();

        LauncherFactory.create().execute(request, listener);

        TestExecutionSummary summary = listener.getSummary();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
        assertThat(summary.getContainersFailedCount()).isEqualTo(1);
        assertThat(summary.getFailures()).singleElement().satisfies(failure -> {
            assertThat(failure.getTestIdentifier().getDisplayName()).isEqualTo("NettyLeakTrackingTest$LeakingTestClass");
            assertThat(failure.getException())
                    .isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("Netty reported 1 leak while " + LeakingTestClass.class.getName() + " ran.")
                    .hasMessageContaining(hint);
        });
        assertThat(NettyLeakTracking.leaks()).isEmpty();
    }

    private static void leakOneBuffer(String hint) {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.buffer(16).writeInt(42); // unpooled heap buffers are not tracked
        buffer.touch(hint);
    }

    /** Runs only inside {@link #theExtensionFailsATestClassThatLeaks()}, which passes the hint. */
    @ExtendWith(LaunchedByNettyLeakTrackingTest.class)
    static final class LeakingTestClass {
        @Test
        void leaksABuffer(String hint) {
            leakOneBuffer(hint);
        }
    }

    /** Enables {@link LeakingTestClass} only when the hint is configured, and passes the hint to it. */
    static final class LaunchedByNettyLeakTrackingTest implements ExecutionCondition, ParameterResolver {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(LEAKING_CLASS_HINT).isPresent()
                    ? ConditionEvaluationResult.enabled("launched by NettyLeakTrackingTest")
                    : ConditionEvaluationResult.disabled("runs only when launched by NettyLeakTrackingTest");
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == String.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getConfigurationParameter(LEAKING_CLASS_HINT).orElseThrow();
        }
    }
}
