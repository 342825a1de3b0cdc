package dev.turnout.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records every leak Netty's {@link ResourceLeakDetector}s report, so a leak can fail the test run
 * instead of scrolling past as a log line.
 *
 * <p>{@link #install()} replaces Netty's {@link ResourceLeakDetectorFactory}. It must run before any
 * {@code ByteBuf} class is initialised, because each detector is created once, in a static initialiser:
 * {@link NettyLeakTrackingListener} installs it when the JUnit launcher session opens, and
 * {@link NettyLeakTrackingExtension} (auto-registered in every test class) checks that it was in time,
 * then fails a class that leaked. Detection level comes from {@code -Dio.netty.leakDetection.level}
 * (paranoid in the build); when that is unset, as in an IDE, {@link #install()} makes it paranoid.
 *
 * <p>This is the one piece of global mutable state in the tests, because Netty's factory is global.
 */
public final class NettyLeakTracking {

    /** One leak as Netty reported it: the resource type ("ByteBuf") and its access records, if any. */
    public record Leak(String resourceType, String records) {
        public Leak {
            Objects.requireNonNull(resourceType, "resourceType");
            Objects.requireNonNull(records, "records");
        }

        @Override
        public String toString() {
            String leak = "LEAK: " + resourceType + ".release() was not called before it was garbage-collected.";
            return records.isEmpty() ? leak + " (no access records: run with -Dio.netty.leakDetection.level=paranoid)"
                    : leak + " Recent access records:" + records;
        }
    }

    private static final AtomicBoolean installed = new AtomicBoolean();
    private static final List<RecordingDetector<?>> detectors = new CopyOnWriteArrayList<>();
    // Guarded by itself.
    private static final List<Leak> leaks = new ArrayList<>();

    private NettyLeakTracking() {
    }

    /**
     * Makes every Netty leak detector created from now on record its reports here. Idempotent; call it
     * before anything touches a {@code ByteBuf}.
     */
    public static void install() {
        if (!installed.compareAndSet(false, true)) {
            return;
        }
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        }
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    /**
     * Whether leaks of {@code ByteBuf}s are recorded here: false when the {@code ByteBuf} leak detector
     * was created before {@link #install()}, so that leaks would only be logged.
     */
    public static boolean tracksByteBufs() {
        Unpooled.buffer(1).release(); // initialises AbstractByteBuf, which creates its detector
        return detectors.stream().anyMatch(detector -> detector.resource == ByteBuf.class);
    }

    /**
     * Lets Netty report the leaks of objects that are already unreachable: waits for a garbage
     * collection to clear references (twice), and after each one tracks a few objects, which is when
     * a detector reports what the collector found.
     */
    public static void flushReports() {
        for (int round = 0; round < 2; round++) {
            awaitGarbageCollection();
            Unpooled.directBuffer(8).release(); // tracked: unpooled heap buffers are not
            PooledByteBufAllocator.DEFAULT.heapBuffer(8).release();
            for (RecordingDetector<?> detector : detectors) {
                detector.poke();
            }
        }
    }

    /** The leaks recorded and not yet drained, oldest first. */
    public static List<Leak> leaks() {
        synchronized (leaks) {
            return List.copyOf(leaks);
        }
    }

    /** Returns the leaks recorded so far, oldest first, and forgets them. */
    public static List<Leak> drainLeaks() {
        synchronized (leaks) {
            List<Leak> drained = List.copyOf(leaks);
            leaks.clear();
            return drained;
        }
    }

    /** A failure message listing {@code found}, for a test that must not leak. */
    static String describe(String where, List<Leak> found) {
        StringBuilder message = new StringBuilder()
                .append("Netty reported ").append(found.size()).append(found.size() == 1 ? " leak " : " leaks ")
                .append(where).append(". Release every ByteBuf in a finally block, or hand it on with touch():");
        for (Leak leak : found) {
            message.append("\n\n").append(leak);
        }
        return message.toString();
    }

    private static void record(Leak leak) {
        synchronized (leaks) {
            leaks.add(leak);
        }
    }

    private static void awaitGarbageCollection() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> canary = new WeakReference<>(new Object(), queue);
        Await.until(Duration.ofSeconds(30), "a garbage collection to clear a canary object", () -> {
            System.gc();
            return queue.poll() != null;
        });
        Reference.reachabilityFence(canary);
    }

    /** Creates detectors that record what they report, and keeps them so they can be made to report. */
    private static final class RecordingFactory extends ResourceLeakDetectorFactory {

        @Override
        @SuppressWarnings("deprecation") // Netty's abstract method; we ignore maxActive as Netty does
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                long maxActive) {
            return newResourceLeakDetector(resource, samplingInterval);
        }

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            RecordingDetector<T> detector = new RecordingDetector<>(resource, samplingInterval);
            detectors.add(detector);
            return detector;
        }
    }

    /** Netty's detector, which still logs each leak, and also records it. */
    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        final Class<T> resource;

        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
            this.resource = resource;
        }

        @Override
        protected boolean needReport() {
            return true; // even when logging is off: the report is what fails the test
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            record(new Leak(resourceType, records));
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            record(new Leak(resourceType, ""));
            super.reportUntracedLeak(resourceType);
        }

        /** Tracks and releases a stand-in object: tracking is when a detector reports collected leaks. */
        @SuppressWarnings("unchecked") // T is erased: the detector only holds a weak reference to it
        void poke() {
            T probe = (T) new Object();
            ResourceLeakTracker<T> tracker = track(probe);
            if (tracker != null) {
                tracker.close(probe);
            }
        }
    }
}
