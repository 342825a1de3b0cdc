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
for t in redis-server redis-benchmark python3; do
  command -v $t > /dev/null || { echo "missing $t (apt-get install redis-server redis-tools python3)" >&2; exit 2; }
done
[[ -f data-plane/target/turnout-data-plane.jar ]] || mvn -B -q --no-transfer-progress package -DskipTests
busy() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
for p in $redis_port $proxy_port; do busy $p && { echo "port $p is busy; set PORT_BASE" >&2; exit 2; }; done
work=$(mktemp -d)
cleanup() { # stop both and wait until they are gone, so a next run can take the same ports
  for f in "$work/proxy.pid" "$work/redis.pid"; do
    [[ -f $f ]] || continue
    pid=$(cat "$f"); kill "$pid" 2> /dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
  done
  rm -rf "$work"
}
trap cleanup EXIT
head -c 16 /dev/urandom | base64 | tr -d '/+=' > "$work/password"
printf 'requirepass %s\n' "$(cat "$work/password")" | redis-server - --port $redis_port --bind 127.0.0.1 \
  --save '' --appendonly no --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis.log" > /dev/null 2>&1
bin/turnout-data-plane --listen 127.0.0.1:$proxy_port --upstream 127.0.0.1:$redis_port \
  --upstream-password-file "$work/password" ${THREADS:+--threads $THREADS} > "$work/proxy.log" 2>&1 &
echo $! > "$work/proxy.pid"
for p in $redis_port $proxy_port; do
  for _ in $(seq 300); do busy $p && break; sleep 0.1; done
  busy $p || { echo "nothing listens on $p; logs:" >&2; tail -5 "$work"/*.log >&2; exit 1; }
done
run() { # port auth pipeline
  timeout 300 redis-benchmark -h 127.0.0.1 -p "$1" $2 -t "$TESTS" -n "$N" -c "$C" -P "$3" -q 2> /dev/null \
    | tr '\r' '\n' | grep -E '^[A-Z_]+: [0-9]' | awk '{sub(":","",$1); print $1, $2}'
}
for P in $PIPELINES; do for r in $(seq "$ROUNDS"); do
  run $redis_port "-a $(cat "$work/password")" "$P" | sed "s/^/$P $r direct /"
  run $proxy_port "" "$P" | sed "s/^/$P $r turnout /"
done; done > "$work/raw"
echo "# $ROUNDS rounds, -n $N -c $C; ratio = median over rounds of turnout/direct in the same round"
python3 - "$work/raw" <<'PY'
import sys, statistics, collections
direct, turnout = {}, collections.defaultdict(list)
for P, r, target, test, rps in (l.split() for l in open(sys.argv[1]) if l.strip()):
    (direct.__setitem__((P, r, test), float(rps)) if target == "direct" else turnout[(P, test)].append((r, float(rps))))
print(f"{'P':<4}{'test':<6}{'direct rps':>12}{'turnout rps':>13}{'ratio':>7}")
for (P, test), runs in turnout.items():
    d = statistics.median(direct[(P, r, test)] for r, _ in runs)
    t = statistics.median(v for _, v in runs)
    ratio = statistics.median(v / direct[(P, r, test)] for r, v in runs)
    print(f"{P:<4}{test:<6}{d:>12.0f}{t:>13.0f}{ratio:>7.2f}")
PY
