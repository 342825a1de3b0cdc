#!/usr/bin/env bash
# The cost of tenant namespaces, measured in one run against one data plane: redis-benchmark authenticates as
# "plain" (a user without a namespace: commands forwarded as the client sent them) and as "tenant" (namespace
# "tenant:": every key rewritten on the way up), round after round; the figure quoted is the median over rounds of
# tenant/plain in the same round, so the machine's drift cancels out. Issue 5 asks for >= 0.9.
# Each test runs on its own, and the data plane's CPU time (user + system, from /proc) over that run is divided by
# the requests: on a small machine where redis-benchmark, Redis and the proxy share the cores, that cost per request
# varies much less between identical runs than throughput does, and shows what the rewrite itself costs.
#
# Env: N requests per run (200000), C clients (50), ROUNDS (5), PIPELINES ("1 16"), TESTS (set,get,lpush,mset),
#      PORT_BASE (7250), THREADS (data-plane event loops, default: cores).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N=${N:-200000}; C=${C:-50}; ROUNDS=${ROUNDS:-5}; PIPELINES=${PIPELINES:-"1 16"}; TESTS=${TESTS:-set,get,lpush,mset}
PORT_BASE=${PORT_BASE:-7250}; redis_port=$PORT_BASE; proxy_port=$((PORT_BASE + 1))
source bench/lib.sh
require_tools redis-server redis-benchmark python3 sha256sum
[[ -f data-plane/target/turnout-data-plane.jar ]] || mvn -B -q --no-transfer-progress package -DskipTests
require_free $redis_port $proxy_port
start_redis $redis_port
client_password=$(head -c 16 /dev/urandom | base64 | tr -d '/+=')
hash=$(printf %s "$client_password" | sha256sum | cut -d' ' -f1)
cat > "$work/turnout.yaml" <<YAML
listeners:
  - listen: 127.0.0.1:$proxy_port
    route: default
routes:
  default:
    upstream: 127.0.0.1:$redis_port
    password-file: $work/password
users:
  - name: plain
    password: sha256:$hash
    namespace: ""
  - name: tenant
    password: sha256:$hash
    namespace: "tenant:"
YAML
bin/turnout-data-plane --config "$work/turnout.yaml" ${THREADS:+--threads $THREADS} > "$work/proxy.log" 2>&1 &
echo $! > "$work/proxy.pid"
wait_for $redis_port $proxy_port
proxy_pid=$(cat "$work/proxy.pid"); ticks_per_second=$(getconf CLK_TCK)
# cpu_ticks: the data plane's user + system time so far, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$proxy_pid/stat"; }
# measure P ROUND USER TEST: appends "P round user test rps" to raw and "P round user test us-per-request" to cpu.
measure() {
  local before after rps
  before=$(cpu_ticks)
  rps=$(TESTS=$4 benchmark $proxy_port "$1" --user "$3" -a "$client_password" | awk '{print $2}')
  after=$(cpu_ticks)
  echo "$1 $2 $3 $4 $rps" >> "$work/raw"
  echo "$1 $2 $3 $4 $(( (after - before) * 1000000 / ticks_per_second * 1000 / N ))" >> "$work/cpu"
}
# A warm-up (not counted): the JIT compiles both paths before the first round.
for P in $PIPELINES; do for user in plain tenant; do
  benchmark $proxy_port "$P" --user $user -a "$client_password" > /dev/null
done; done
for P in $PIPELINES; do for r in $(seq "$ROUNDS"); do for t in ${TESTS//,/ }; do
  measure "$P" "$r" plain "$t"
  measure "$P" "$r" tenant "$t"
done; done; done
echo "# $ROUNDS rounds, -n $N -c $C; ratio = median over rounds of tenant/plain in the same round"
ratio_table "$work/raw" plain tenant
echo "# the data plane's CPU time per 1000 requests (microseconds); ratio as above (here lower is better)"
ratio_table "$work/cpu" plain tenant | sed '1s/ rps/ us/g'
