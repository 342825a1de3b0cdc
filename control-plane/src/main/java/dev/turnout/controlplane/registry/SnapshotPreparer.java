package dev.turnout.controlplane.registry;

import dev.turnout.v1.ConfigSnapshot;

/**
 * What becomes of each desired state before the registry sends it to data planes: the control plane adds what
 * is not part of the desired state itself but of what it did for it upstream (the tenants' upstream ACL users and
 * their credentials). Called outside the registry's lock, once per desired state, possibly from several threads.
 */
public interface SnapshotPreparer {

    /** Sends each desired state as it is. */
    SnapshotPreparer NONE = desired -> desired;

    /**
     * The snapshot to send for {@code desired}, of the same version. May block, for a bounded time (it may talk to
     * the upstreams); never fails: what it could not do, it sends without, and says so in its log.
     */
    ConfigSnapshot prepare(ConfigSnapshot desired);
}
