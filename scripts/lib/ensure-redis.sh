# Sourced by scripts/test and scripts/start-local: makes sure Redis 7 tools are installed.
# ensure_redis [allow-docker]: returns 0 when redis-server is usable (installing it with apt-get when we
# are root on Debian/Ubuntu), 0 with a note when Docker can stand in (only with allow-docker), else
# prints how to install Redis and returns 2.

have_redis() {
  [[ -n "${REDIS_SERVER:-}" ]] || command -v redis-server > /dev/null 2>&1
}

docker_reachable() {
  command -v docker > /dev/null 2>&1 && docker info > /dev/null 2>&1
}

ensure_redis() {
  local allow_docker="${1:-}"
  if have_redis && command -v redis-cli > /dev/null 2>&1; then
    return 0
  fi
  if [[ "$(id -u)" == 0 ]] && command -v apt-get > /dev/null 2>&1; then
    echo "$(basename "$0"): installing redis-server and redis-tools with apt-get" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools > /dev/null
    # The package may start a system-wide server on 6379; Turnout's scripts and tests never use that port.
    if have_redis; then
      return 0
    fi
    echo "$(basename "$0"): apt-get installed redis-server, but it is not on the PATH ($PATH)" >&2
    return 2
  fi
  if [[ "$allow_docker" == allow-docker ]] && docker_reachable; then
    echo "$(basename "$0"): redis-server is not installed; the tests will run redis:7 in Docker" >&2
    return 0
  fi
  cat >&2 <<'HELP'
Turnout needs Redis 7.0 or later, and redis-server is not installed.
  Debian 12 / Ubuntu 24.04 and later:  sudo apt-get install redis-server redis-tools
  or point the tests at a redis-server:  export REDIS_SERVER=/path/to/redis-server
HELP
  return 2
}
