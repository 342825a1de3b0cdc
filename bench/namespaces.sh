#!/usr/bin/env bash
# The cost of tenant namespaces, measured in one run against one data plane: redis-benchmark authenticates as
# "plain" (a user without a namespace: commands forwarded as the client sent them) and as "tenant" (namespace
# "tenant:": every key rewritten on the way up), round after round; the figure quoted is the median over rounds of
# tenant/plain in the same round, so the machine's drift cancels out. Issue 5 asks for >= 0.9.
#
# Env: N requests per run (200000), C clients (50), ROUNDS (5), PIPELINES ("1 16"), TESTS (set,get,lpush,mset),
#      PORT_BASE (7250), THREADS (data-plane event loops, default: cores).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N=${N:-200000}; C=${C:-50}; ROUNDS=${ROUNDS:-5}; PIPELINES=${PIPELINES:-"1 16"}; TESTS=${TESTS:-set,get,lpush,mset}
PORT_BASE=${PORT_BASE:-7250}; redis_port=$PORT_BASE; proxy_port=$((PORT_BASE + 1))
for t in redis-server redis-benchmark python3 sha256sum; do
  command -v $t > /dev/null || { echo "missing $t (apt-get install redis-server redis-tools python3)" >&2; exit 2; }
done
[[ -f data-plane/target/turnout-data-plane.jar ]] || mvn -B -q --no-transfer-progress package -DskipTests
busy() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
for p in $redis_port $proxy_port; do busy $p && { echo "port $p is busy; set PORT_BASE" >&2; exit 2; }; done
work=$(mktemp -d)
cleanup() {
  for f in "$work/proxy.pid" "$work/redis.pid"; do
    [[ -f $f ]] || continue
    pid=$(cat "$f"); kill "$pid" 2> /dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
  done
  rm -rf "$work"
}
trap cleanup EXIT
head -c 16 /dev/urandom | base64 | tr -d '/+=' > "$work/password"
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
printf 'requirepass %s\n' "$(cat "$work/password")" | redis-server - --port $redis_port --bind 127.0.0.1 \
  --save '' --appendonly no --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis.log" > /dev/null 2>&1
bin/turnout-data-plane --config "$work/turnout.yaml" ${THREADS:+--threads $THREADS} > "$work/proxy.log" 2>&1 &
echo $! > "$work/proxy.pid"
for p in $redis_port $proxy_port; do
  for _ in $(seq 300); do busy $p && break; sleep 0.1; done
  busy $p || { echo "nothing listens on $p; logs:" >&2; tail -5 "$work"/*.log >&2; exit 1; }
done
run() { # user pipeline
  timeout 300 redis-benchmark -h 127.0.0.1 -p $proxy_port --user "$1" -a "$client_password" -t "$TESTS" -n "$N" \
    -c "$C" -P "$2" -q 2> /dev/null | tr '\r' '\n' | grep -E '^[A-Z_]+( \([^)]*\))?: [0-9]' \
    | sed -E 's/ \([^)]*\)//' | awk '{sub(":","",$1); print $1, $2}'
}
for P in $PIPELINES; do for r in $(seq "$ROUNDS"); do
  run plain "$P" | sed "s/^/$P $r plain /"
  run tenant "$P" | sed "s/^/$P $r tenant /"
done; done > "$work/raw"
echo "# $ROUNDS rounds, -n $N -c $C; ratio = median over rounds of tenant/plain in the same round"
python3 - "$work/raw" <<'PY'
import sys, statistics, collections
plain, tenant = {}, collections.defaultdict(list)
for P, r, who, test, rps in (l.split() for l in open(sys.argv[1]) if l.strip()):
    (plain.__setitem__((P, r, test), float(rps)) if who == "plain" else tenant[(P, test)].append((r, float(rps))))
print(f"{'P':<4}{'test':<8}{'plain rps':>12}{'tenant rps':>12}{'ratio':>7}")
for (P, test), runs in tenant.items():
    p = statistics.median(plain[(P, r, test)] for r, _ in runs)
    t = statistics.median(v for _, v in runs)
    ratio = statistics.median(v / plain[(P, r, test)] for r, v in runs)
    print(f"{P:<4}{test:<8}{p:>12.0f}{t:>12.0f}{ratio:>7.2f}")
PY
