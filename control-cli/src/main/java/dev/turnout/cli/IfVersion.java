package dev.turnout.cli;

/** {@code --if-version N}: absent is 0 on the wire ("no condition"), so N itself must be 1 or more. */
final class IfVersion {

    private IfVersion() {
    }

    static long check(Long ifVersion) {
        if (ifVersion == null) {
            return 0;
        }
        if (ifVersion < 1) {
            throw CliFailure.usage("--if-version: " + ifVersion + " (expected: a version, 1 or more)");
        }
        return ifVersion;
    }
}
