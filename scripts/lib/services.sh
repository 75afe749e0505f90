# shellcheck shell=bash
# The services a test run needs: Redis, FerretDB (MongoDB wire protocol) and a Docker
# engine. Source after common.sh and call install_exit_trap first: every service started
# here registers its own stop action, so it is stopped on exit, failure or CTRL-C.
#
# Instances are keyed by port. Each pid file under $FNGRAPH_RUN holds "<service pid>
# <owner pid>", the owner being the scripts/test process that started it. An instance
# whose owner is gone (an aborted run) is stopped and its port reused; an instance whose
# owner is alive (a concurrent run in the same tree) is left alone and the next port is
# tried; a port held by anything else is skipped too (or refused when set explicitly).

# shellcheck disable=SC2034 # REDIS_PORT, FERRETDB_PORT are set for the caller
FNGRAPH_RUN="$FNGRAPH_STATE/run"
FERRETDB_VERSION=v1.24.2
FERRETDB_BIN="$FNGRAPH_STATE/bin/ferretdb"

_fg_pidfile() { echo "$FNGRAPH_RUN/$1-$2.pid"; }

# _fg_reclaim NAME PORT PROCESS_MATCH: 0 when the port is free for us (after stopping a
# stale instance of ours), 1 when a live concurrent run owns it.
_fg_reclaim() {
  local f pid owner
  f=$(_fg_pidfile "$1" "$2")
  [[ -f $f ]] || return 0
  read -r pid owner <"$f" || true
  if [[ ${owner:-} != "$$" ]] && pid_is "${owner:-}" scripts/test; then
    return 1
  fi
  if pid_is "${pid:-}" "$3"; then
    log "stopping stale $1 (pid $pid) left on port $2 by an aborted run"
    stop_pid "$pid" 10
  fi
  rm -f "$f"
}

# pick_port NAME DEFAULT_PORT EXPLICIT(0|1) PROCESS_MATCH -> prints the port to use.
pick_port() {
  local name=$1 port=$2 explicit=$3 match=$4 i
  for ((i = 0; i < 20; i++, port++)); do
    if _fg_reclaim "$name" "$port" "$match" >&2 && ! port_in_use "$port"; then
      echo "$port"
      return 0
    fi
    if ((explicit)); then
      die "port $port for $name is taken (unset the variable that sets it, or free the port)"
    fi
  done
  die "no free port for $name in $2..$((port - 1))"
}

# Port choice and spawn happen under a lock on fd 8, so that concurrent runs in the same
# tree never pick the same port.
_fg_lock_ports() {
  exec 8>"$FNGRAPH_RUN/ports.lock"
  flock 8
}
_fg_unlock_ports() {
  flock -u 8
  exec 8>&-
}

# _fg_spawn NAME PORT LOGFILE CMD...: start CMD in the background, record and register it.
_fg_spawn() {
  local name=$1 port=$2 logfile=$3
  shift 3
  "$@" >>"$logfile" 2>&1 </dev/null 8>&- &
  local pid=$!
  echo "$pid $$" >"$(_fg_pidfile "$name" "$port")"
  add_cleanup "stop_service $name $port $pid"
  _FG_LAST_PID=$pid
}

stop_service() {
  local name=$1 port=$2 pid=$3
  stop_pid "$pid" 15
  rm -f "$(_fg_pidfile "$name" "$port")"
}

# _fg_wait_ready NAME PID LOGFILE TIMEOUT_S CHECK...: poll CHECK until it succeeds.
_fg_wait_ready() {
  local name=$1 pid=$2 logfile=$3 timeout=$4 i
  shift 4
  for ((i = 0; i < timeout * 10; i++)); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    if ! pid_alive "$pid"; then
      tail -n 30 "$logfile" >&2 || true
      die "$name exited during start-up (log: $logfile)"
    fi
    sleep 0.1
  done
  tail -n 30 "$logfile" >&2 || true
  die "$name not ready after ${timeout}s (log: $logfile)"
}

# ---------------------------------------------------------------------------
# Redis

start_redis() {
  mkdir -p "$FNGRAPH_RUN"
  local explicit=0 port
  [[ -n ${FNGRAPH_REDIS_PORT:-} ]] && explicit=1
  _fg_lock_ports
  port=$(pick_port redis "${FNGRAPH_REDIS_PORT:-16379}" "$explicit" redis-server)
  local logfile="$FNGRAPH_RUN/redis-$port.log"
  : >"$logfile"
  _fg_spawn redis "$port" "$logfile" \
    redis-server --port "$port" --bind 127.0.0.1 --protected-mode yes \
    --save '' --appendonly no --dir "$FNGRAPH_RUN" --daemonize no --loglevel warning
  _fg_unlock_ports
  # shellcheck disable=SC2016 # expanded by the inner bash
  _fg_wait_ready redis "$_FG_LAST_PID" "$logfile" 20 \
    bash -c '[[ $(redis-cli -h 127.0.0.1 -p "$1" ping) == PONG ]]' _ "$port"
  REDIS_PORT=$port # read by scripts/test
  log "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on 127.0.0.1:$port (pid $_FG_LAST_PID)"
}

# ---------------------------------------------------------------------------
# FerretDB

_fg_go() {
  if ! command -v go >/dev/null; then
    [[ -x /usr/local/go/bin/go ]] || die "Go is needed to build FerretDB and is not on PATH"
    PATH="/usr/local/go/bin:$PATH"
  fi
}

# `go install …/cmd/ferretdb@v1.24.2` builds a binary that panics at start (it embeds
# build/version/version.txt, absent from the module zip), so build a copy of the module
# with that file written.
_fg_ferretdb_ok() {
  local out
  out=$("$FERRETDB_BIN" --version 2>/dev/null) || return 1
  [[ $'\n'$out$'\n' == *$'\n'"version: $FERRETDB_VERSION"$'\n'* ]]
}

_fg_go_download() {
  (cd "$1" && GOWORK=off GO111MODULE=on GOFLAGS='' GOTOOLCHAIN=local \
    go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" >download.json)
}

ensure_ferretdb() {
  if [[ -x $FERRETDB_BIN ]] && _fg_ferretdb_ok; then
    log "$FERRETDB_BIN ($FERRETDB_VERSION) present"
    return 0
  fi
  _fg_go
  mkdir -p "$FNGRAPH_STATE/cache" "$(dirname "$FERRETDB_BIN")"
  local work json dir
  work=$(mktemp -d "$FNGRAPH_STATE/cache/ferretdb-build.XXXXXX")
  add_cleanup "rm -rf '$work'"
  log "building FerretDB $FERRETDB_VERSION (go $(go env GOVERSION))"
  # Outside any module (GOWORK off, empty GOFLAGS) the module lands in the module cache.
  retry 3 _fg_go_download "$work" || die "go mod download failed: $(cat "$work/download.json")"
  json=$(<"$work/download.json")
  dir=$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).Dir || "")' <<<"$json")
  [[ -d $dir ]] || die "go mod download gave no module directory: $json"
  cp -R "$dir" "$work/src"
  chmod -R u+w "$work/src"
  echo "$FERRETDB_VERSION" >"$work/src/build/version/version.txt"
  (cd "$work/src" && GOWORK=off GOFLAGS=-buildvcs=false GOTOOLCHAIN=local \
    go build -o "$FERRETDB_BIN.$$.tmp" ./cmd/ferretdb)
  mv -f "$FERRETDB_BIN.$$.tmp" "$FERRETDB_BIN"
  _fg_ferretdb_ok || die "the FerretDB build does not run"
}

start_ferretdb() {
  mkdir -p "$FNGRAPH_RUN"
  local explicit=0 port
  [[ -n ${FNGRAPH_FERRETDB_PORT:-} ]] && explicit=1
  _fg_lock_ports
  port=$(pick_port ferretdb "${FNGRAPH_FERRETDB_PORT:-27117}" "$explicit" ferretdb)
  local data="$FNGRAPH_RUN/ferretdb-$port" logfile="$FNGRAPH_RUN/ferretdb-$port.log"
  rm -rf "$data"
  mkdir -p "$data/db" "$data/state"
  : >"$logfile"
  # --debug-addr=- turns off the debug/metrics HTTP listener (default 127.0.0.1:8088);
  # --state-dir keeps state.json out of the working directory.
  _fg_spawn ferretdb "$port" "$logfile" \
    "$FERRETDB_BIN" --handler=sqlite --sqlite-url="file:$data/db/" \
    --listen-addr="127.0.0.1:$port" --telemetry=disable --debug-addr=- \
    --state-dir="$data/state" --log-level=warn
  _fg_unlock_ports
  _fg_wait_ready ferretdb "$_FG_LAST_PID" "$logfile" 30 \
    node "$FNGRAPH_ROOT/scripts/lib/mongo-ping.mjs" 127.0.0.1 "$port"
  FERRETDB_PORT=$port # read by scripts/test
  log "FerretDB $FERRETDB_VERSION (sqlite) on 127.0.0.1:$port (pid $_FG_LAST_PID)"
}

# ---------------------------------------------------------------------------
# Docker engine

docker_answers() { timeout 20 docker info >/dev/null 2>&1; }

# Starts dockerd unless an engine already answers. Returns 1 (after a warning) when
# no engine can be had.
ensure_docker_engine() {
  mkdir -p "$FNGRAPH_RUN"
  local f="$FNGRAPH_RUN/dockerd.pid" pid owner
  if [[ -f $f ]]; then
    read -r pid owner <"$f" || true
    if pid_is "${pid:-}" dockerd && ! pid_is "${owner:-}" scripts/test; then
      # Started by an aborted run: adopt it, so that this run stops it.
      echo "$pid $$" >"$f"
      add_cleanup "stop_dockerd $pid"
      log "adopted dockerd (pid $pid) left by an aborted run"
    elif ! pid_is "${pid:-}" dockerd; then
      rm -f "$f"
    fi
  fi
  if docker_answers; then
    log "Docker engine answers: $(docker version -f '{{.Server.Version}}' 2>/dev/null)"
    return 0
  fi
  command -v dockerd >/dev/null || {
    warn "no dockerd on this machine"
    return 1
  }
  local logfile="$FNGRAPH_RUN/dockerd.log"
  : >"$logfile"
  # No default bridge and no iptables rules: function containers run with
  # NetworkMode none, and nothing here may create networks.
  dockerd --bridge=none --iptables=false >>"$logfile" 2>&1 </dev/null &
  pid=$!
  echo "$pid $$" >"$f"
  add_cleanup "stop_dockerd $pid"
  local i
  for ((i = 0; i < 600; i++)); do
    docker_answers && break
    if ! pid_alive "$pid"; then
      tail -n 30 "$logfile" >&2
      warn "dockerd exited during start-up (log: $logfile)"
      return 1
    fi
    sleep 0.1
  done
  if ! docker_answers; then
    tail -n 30 "$logfile" >&2
    warn "dockerd not ready after 60s (log: $logfile)"
    return 1
  fi
  log "started dockerd $(docker version -f '{{.Server.Version}}' 2>/dev/null) (pid $pid, log $logfile)"
}

stop_dockerd() {
  stop_pid "$1" 30
  rm -f "$FNGRAPH_RUN/dockerd.pid"
}
