package dev.turnout.dataplane.config;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** The current configuration snapshot, swapped atomically; listeners hear about each swap. */
public final class ConfigHolder {

    private final AtomicReference<ProxyConfig> current;
    private final List<Consumer<ProxyConfig>> listeners = new CopyOnWriteArrayList<>();

    public ConfigHolder(ProxyConfig initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    }

    public ProxyConfig get() {
        return current.get();
    }

    /** Publishes a new snapshot and tells every listener, on the calling thread. */
    public void set(ProxyConfig next) {
        current.set(Objects.requireNonNull(next, "next"));
        for (Consumer<ProxyConfig> listener : listeners) {
            listener.accept(next);
        }
    }

    public void onChange(Consumer<ProxyConfig> listener) {
        listeners.add(listener);
    }
}
