#!/usr/bin/env bash
# How long a planned switchover holds traffic under load (issue 4): N switches --wait-replication back and forth
# between a primary and its replica, through a control plane and two data planes, while 200 pipelined writers and
# BLPOP/SUBSCRIBE/MULTI clients run. Prints each switch, then p50/p99/max held time and the load's checks.
# Usage: bench/switch-held-time.sh [SWITCHES [WRITERS]]   (needs redis-server; builds the jars)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
switches="${1:-20}"
writers="${2:-200}"
mvn -B -q --no-transfer-progress install -DskipTests
mvn -B -q --no-transfer-progress -pl integration-tests test-compile \
  org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.classpathScope=test \
  -Dturnout.dataPlaneJar="$PWD/data-plane/target/turnout-data-plane.jar" \
  -Dturnout.controlPlaneJar="$PWD/control-plane/target/turnout-control-plane.jar" \
  -Dturnout.proxyctlJar="$PWD/control-cli/target/proxyctl.jar" \
  -Dexec.mainClass=dev.turnout.bench.SwitchHeldTime -Dexec.args="$switches $writers"
