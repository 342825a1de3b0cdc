package dev.turnout.it.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** The runnable jars the build makes, found from the integration-tests module's directory. */
public enum TurnoutJar {
    DATA_PLANE("data-plane", "turnout-data-plane.jar", "turnout.dataPlaneJar"),
    CONTROL_PLANE("control-plane", "turnout-control-plane.jar", "turnout.controlPlaneJar"),
    PROXYCTL("control-cli", "proxyctl.jar", "turnout.proxyctlJar");

    private final String module;
    private final String file;
    private final String property;

    TurnoutJar(String module, String file, String property) {
        this.module = module;
        this.file = file;
        this.property = property;
    }

    /** The jar's path; fails with the command that builds it when it is missing. */
    public Path path() {
        String configured = System.getProperty(property);
        Path jar = configured != null ? Path.of(configured)
                : Path.of("..", module, "target", file).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No " + file + " at " + jar + ". Build it first: mvn -B -q -pl " + module
                    + " -am package -DskipTests (or pass -D" + property + "=PATH)");
        }
        return jar;
    }
}
