#!/usr/bin/env bash
# Throughput through Turnout against Redis directly, measured in one run: redis-benchmark runs against
# each target in turn, round after round, and the figure quoted is the median over rounds of
# turnout/direct in the same round, so the machine's drift cancels out.
# For haproxy and twemproxy side by side, run ../shared/bench/anchors.sh with PROXY_CMD (see README).
#
# Env: N requests per run (200000), C clients (50), ROUNDS (3), PIPELINES ("1 16"), TESTS (set,get),
#      PORT_BASE (7200), THREADS (data-plane event loops, default: cores).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N=${N:-200000}; C=${C:-50}; ROUNDS=${ROUNDS:-3}; PIPELINES=${PIPELINES:-"1 16"}; TESTS=${TESTS:-set,get}
PORT_BASE=${PORT_BASE:-7200}; redis_port=$PORT_BASE; proxy_port=$((PORT_BASE + 1))
source bench/lib.sh
require_tools redis-server redis-benchmark python3
[[ -f data-plane/target/turnout-data-plane.jar ]] || mvn -B -q --no-transfer-progress package -DskipTests
require_free $redis_port $proxy_port
start_redis $redis_port
bin/turnout-data-plane --listen 127.0.0.1:$proxy_port --upstream 127.0.0.1:$redis_port \
  --upstream-password-file "$work/password" ${THREADS:+--threads $THREADS} > "$work/proxy.log" 2>&1 &
echo $! > "$work/proxy.pid"
wait_for $redis_port $proxy_port
for P in $PIPELINES; do for r in $(seq "$ROUNDS"); do
  benchmark $redis_port "$P" -a "$(cat "$work/password")" | sed "s/^/$P $r direct /"
  benchmark $proxy_port "$P" | sed "s/^/$P $r turnout /"
done; done > "$work/raw"
echo "# $ROUNDS rounds, -n $N -c $C; ratio = median over rounds of turnout/direct in the same round"
ratio_table "$work/raw" direct turnout
