package dev.turnout.cli;

/**
 * {@code --if-version N}: change the desired state only if its version is still N. The control plane checks
 * N of 1 or more; on the wire 0 means "no condition", so N = 0 (a control plane never configured) is checked
 * here instead, by reading the version just before the change (a narrow race, unlike the server's check).
 */
record IfVersion(Long expected) {

    static IfVersion of(Long expected) {
        if (expected != null && expected < 0) {
            throw CliFailure.usage("--if-version: " + expected + " (expected: a version, 0 or more)");
        }
        return new IfVersion(expected);
    }

    /** What the request carries: N, or 0 for none (and for N = 0, checked by {@link #checkBefore}). */
    long onTheWire() {
        return expected == null ? 0 : expected;
    }

    /** Fails with exit code 5 when --if-version 0 was given and the desired state has a version already. */
    void checkBefore(AdminClient client) {
        if (expected != null && expected == 0) {
            long current = client.config().getVersion();
            if (current != 0) {
                throw new CliFailure(ExitCode.PRECONDITION, "the desired state is at version " + current
                        + ", not 0 (--if-version 0); 'proxyctl config get' shows the current version");
            }
        }
    }
}
