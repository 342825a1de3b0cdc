#!/usr/bin/env bash
# What 5,000 idle client connections cost the data plane (heap + direct memory per connection).
# Usage: bench/idle-connections.sh [CONNECTIONS]   (needs python3, redis-server; builds the test classes)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
n="${1:-5000}"
if [[ "$(ulimit -n)" -lt $((2 * n + 100)) ]]; then ulimit -n $((2 * n + 100)); fi
mvn -B -q --no-transfer-progress install -DskipTests -pl data-plane -am
mvn -B -q --no-transfer-progress -pl integration-tests test-compile \
  org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.classpathScope=test \
  -Dexec.mainClass=dev.turnout.bench.IdleConnectionFootprint -Dexec.args="$n bench/idle_clients.py"
