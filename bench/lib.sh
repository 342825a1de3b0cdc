# Shared by the redis-benchmark scripts in bench/ (sourced, not run): ports, a temporary work directory cleaned
# up on exit, a password-protected redis-server, waiting for listeners, and the same-round ratio table.

# busy PORT: whether something listens on 127.0.0.1:PORT.
busy() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

# require_free PORT...: exits 2 if a port is taken.
require_free() { for p in "$@"; do busy "$p" && { echo "port $p is busy; set PORT_BASE" >&2; exit 2; }; done; return 0; }

# require_tools TOOL...: exits 2 naming the first missing tool.
require_tools() {
  for t in "$@"; do
    command -v "$t" > /dev/null || { echo "missing $t (apt-get install redis-server redis-tools python3)" >&2; exit 2; }
  done
}

# $work: a temporary directory; processes whose pid files are in it are stopped (and waited for, so a next run
# can take the same ports) and it is removed on exit.
work=$(mktemp -d)
bench_cleanup() {
  for f in "$work"/*.pid; do
    [[ -f $f ]] || continue
    pid=$(cat "$f"); kill "$pid" 2> /dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
  done
  rm -rf "$work"
}
trap bench_cleanup EXIT

# start_redis PORT: a redis-server on PORT whose password is in $work/password.
start_redis() {
  head -c 16 /dev/urandom | base64 | tr -d '/+=' > "$work/password"
  printf 'requirepass %s\n' "$(cat "$work/password")" | redis-server - --port "$1" --bind 127.0.0.1 \
    --save '' --appendonly no --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis.log" > /dev/null 2>&1
}

# wait_for PORT...: until each listens (30 s), else the logs and exit 1.
wait_for() {
  for p in "$@"; do
    for _ in $(seq 300); do busy "$p" && break; sleep 0.1; done
    busy "$p" || { echo "nothing listens on $p; logs:" >&2; tail -5 "$work"/*.log >&2; exit 1; }
  done
}

# benchmark PORT PIPELINE ARGS...: "TEST rps" lines from redis-benchmark -q.
benchmark() {
  local port=$1 pipeline=$2; shift 2
  timeout 300 redis-benchmark -h 127.0.0.1 -p "$port" "$@" -t "$TESTS" -n "$N" -c "$C" -P "$pipeline" -q 2> /dev/null \
    | tr '\r' '\n' | grep -E '^[A-Z_]+( \([^)]*\))?: [0-9]' | sed -E 's/ \([^)]*\)//' | awk '{sub(":","",$1); print $1, $2}'
}

# ratio_table FILE BASE OTHER: FILE has "P round target test rps" lines; prints, per P and test, the medians of
# BASE and OTHER and the median over rounds of OTHER/BASE in the same round.
ratio_table() {
  python3 - "$@" <<'PY'
import sys, statistics, collections
path, base_name, other_name = sys.argv[1:4]
base, other = {}, collections.defaultdict(list)
for P, r, target, test, rps in (l.split() for l in open(path) if l.strip()):
    if target == base_name:
        base[(P, r, test)] = float(rps)
    elif target == other_name:
        other[(P, test)].append((r, float(rps)))
print(f"{'P':<4}{'test':<8}{base_name + ' rps':>14}{other_name + ' rps':>14}{'ratio':>7}")
for (P, test), runs in other.items():
    b = statistics.median(base[(P, r, test)] for r, _ in runs)
    o = statistics.median(v for _, v in runs)
    ratio = statistics.median(v / base[(P, r, test)] for r, v in runs)
    print(f"{P:<4}{test:<8}{b:>14.0f}{o:>14.0f}{ratio:>7.2f}")
PY
}
