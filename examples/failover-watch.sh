#!/usr/bin/env bash
# Unplanned failover, automated: watch a primary, and when it stops answering, move every client of a route to
# its replica with `proxyctl switch --promote`, then check what happened by exit code and `-o json`.
#
# Usage:   examples/failover-watch.sh PRIMARY_HOST:PORT REPLICA_HOST:PORT [ROUTE]
# Needs:   redis-cli, jq, proxyctl (bin/proxyctl, or PROXYCTL=...)
# Env:     TURNOUT_CONTROL_PLANE, TURNOUT_TOKEN   where proxyctl finds the control plane and its admin token
#          REDISCLI_AUTH                         the Redis password, if the primary has one (for PING)
#          FAILURES (default 3)                  consecutive failed PINGs that mean "dead"
#          INTERVAL (default 1)                  seconds between PINGs
# Exit:    proxyctl's exit code: 0 switched; 1 failed and rolled back; 3 control plane unreachable;
#          4 timed out; 5 precondition (the replica is unreachable, or not a replica)
set -uo pipefail

primary="${1:?usage: $0 PRIMARY_HOST:PORT REPLICA_HOST:PORT [ROUTE]}"
replica="${2:?usage: $0 PRIMARY_HOST:PORT REPLICA_HOST:PORT [ROUTE]}"
route="${3:-default}"
limit="${FAILURES:-3}"
interval="${INTERVAL:-1}"
proxyctl="${PROXYCTL:-$(dirname "${BASH_SOURCE[0]}")/../bin/proxyctl}"

log() { echo "$(date -u +%FT%T.%3NZ) $*"; }

alive() {
  [[ "$(timeout 2 redis-cli -h "${primary%:*}" -p "${primary##*:}" --no-auth-warning PING 2> /dev/null)" == PONG ]]
}

log "watching $primary (route $route); failing over to $replica after $limit failed PINGs ${interval}s apart"
failures=0
while true; do
  if alive; then
    failures=0
  else
    failures=$((failures + 1))
    log "primary $primary did not answer PING ($failures/$limit)"
    if ((failures >= limit)); then
      break
    fi
  fi
  sleep "$interval"
done

log "failing over: proxyctl switch --route $route --to $replica --promote"
result="$("$proxyctl" -o json switch --route "$route" --to "$replica" --promote)"
code=$?
if [[ -z "$result" ]]; then
  log "proxyctl printed no result (exit $code): the control plane was not reached"
  exit "$code"
fi
outcome="$(jq -r .outcome <<< "$result")"
log "outcome $outcome (exit $code): $(jq -r .message <<< "$result")"
jq -r '.switch | select(. != null) | "  \(.route): \(.from) -> \(.to), version \(.version); traffic held \(.heldMillis) ms, total \(.totalMillis) ms"' <<< "$result"
jq -r '.warnings[] | "  warning: " + .' <<< "$result"
if [[ "$code" -ne 0 || "$outcome" != DONE ]]; then
  log "failover NOT done: clients still go to $primary; fix the cause above and run the switch by hand"
fi
exit "$code"
