# shellcheck shell=bash
# Helpers shared by scripts/test, scripts/start and docker/build-runtime-images.sh.
# Source this file; it only defines functions and variables.
#
# Everything the scripts create lives under $FNGRAPH_STATE (default .fngraph/ in the
# repository, git-ignored): bin/ (built tools), cache/ (build caches), run/ (logs,
# pid files and data of the services a test run starts).

FNGRAPH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FNGRAPH_STATE="${FNGRAPH_STATE:-$FNGRAPH_ROOT/.fngraph}"
export FNGRAPH_ROOT FNGRAPH_STATE

# dockerd, debootstrap, chroot and ldconfig live in sbin, which a non-login PATH may lack.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" ;; esac

# ---------------------------------------------------------------------------
# Output: section headers with elapsed time, and a timing summary at the end.

_fg_now_ms() {
  if [[ -n ${EPOCHREALTIME:-} ]]; then
    local t=${EPOCHREALTIME/[.,]/}
    echo $((t / 1000))
  else
    date +%s%3N
  fi
}
_fg_fmt_s() { printf '%d.%d' $(($1 / 1000)) $((($1 % 1000) / 100)); }
_FG_T0=${_FG_T0:-$(_fg_now_ms)}
_fg_section_name=
_fg_section_start=0
_fg_timings=()

section() {
  _fg_close_section
  _fg_section_name=$1
  _fg_section_start=$(_fg_now_ms)
  printf '==> [%6ss] %s\n' "$(_fg_fmt_s $((_fg_section_start - _FG_T0)))" "$1"
}

_fg_close_section() {
  [[ -n $_fg_section_name ]] || return 0
  local dt=$(($(_fg_now_ms) - _fg_section_start))
  _fg_timings+=("$(printf '%7ss  %s' "$(_fg_fmt_s "$dt")" "$_fg_section_name")")
  _fg_section_name=
}

section_summary() {
  _fg_close_section
  ((${#_fg_timings[@]})) || return 0
  printf '==> timings (total %ss)\n' "$(_fg_fmt_s $(($(_fg_now_ms) - _FG_T0)))"
  printf '  %s\n' "${_fg_timings[@]}"
}

log() { printf '    %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() {
  printf 'ERROR: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------
# Clean-up actions, run in reverse order on exit (normal, error, CTRL-C, TERM).

_fg_cleanups=()
add_cleanup() { _fg_cleanups+=("$*"); }

_fg_on_exit() {
  local rc=$? i
  trap - EXIT INT TERM HUP
  set +e
  for ((i = ${#_fg_cleanups[@]} - 1; i >= 0; i--)); do
    eval "${_fg_cleanups[i]}"
  done
  exit "$rc"
}

install_exit_trap() {
  trap _fg_on_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
}

# retry TRIES CMD...: run CMD until it succeeds, at most TRIES times (network steps).
retry() {
  local tries=$1 n
  shift
  for ((n = 1; ; n++)); do
    "$@" && return 0
    ((n < tries)) || return 1
    warn "failed (try $n/$tries): $*; retrying in $((n * 5))s"
    sleep $((n * 5))
  done
}

# ---------------------------------------------------------------------------
# Processes.

# pid_alive PID: the process exists and is not a zombie.
pid_alive() {
  [[ -n ${1:-} && -r /proc/$1/stat ]] || return 1
  local stat
  stat=$(</proc/"$1"/stat) 2>/dev/null || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# pid_is PID NAME: the process is alive and its command line mentions NAME
# (guards against killing an unrelated process that reused a stale pid).
pid_is() {
  pid_alive "$1" || return 1
  local cmd
  cmd=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *"$2"* ]]
}

# stop_pid PID [TIMEOUT_S]: TERM, wait, then KILL.
stop_pid() {
  local pid=$1 timeout=${2:-10} i
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < timeout * 10; i++)); do
    pid_alive "$pid" || return 0
    sleep 0.1
  done
  warn "pid $pid did not stop within ${timeout}s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

# port_in_use PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------------------
# System packages (Debian). Fast no-op when everything is installed.

ensure_apt_packages() {
  local missing=() p
  for p in "$@"; do
    [[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) == installed ]] || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    log "all present: $*"
    return 0
  fi
  command -v apt-get >/dev/null || die "missing system packages: ${missing[*]} (no apt-get here: install them by hand)"
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || die "missing system packages: ${missing[*]} (run as root or install sudo)"
    sudo=(sudo)
  fi
  log "installing: ${missing[*]}"
  # Keep apt from starting services (dockerd with its default bridge, redis on 6379):
  # the scripts start what they need themselves, on their own terms.
  local policy=/usr/sbin/policy-rc.d
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    add_cleanup "${sudo[*]} rm -f '$policy'"
  fi
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300)
  local try
  for try in 1 2 3; do
    if "${apt[@]}" update -qq && "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
      return 0
    fi
    warn "apt-get failed (try $try/3)"
    sleep $((try * 5))
  done
  die "could not install: ${missing[*]}"
}

# ---------------------------------------------------------------------------
# Node dependencies and build.

ensure_node_modules() {
  (
    cd "$FNGRAPH_ROOT" || exit
    # Compares contents, not times: a fresh checkout (or a git worktree sharing node_modules)
    # has a newer lock file without any dependency having changed.
    local wanted stamp=node_modules/.fngraph-lock-sha256
    wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
    if [[ -f node_modules/.package-lock.json && -f $stamp && $(cat "$stamp") == "$wanted" ]]; then
      log "node_modules up to date with package-lock.json"
    else
      log "npm ci"
      npm ci --no-audit --no-fund
      echo "$wanted" >"$stamp"
    fi
  )
}

npm_build() { (cd "$FNGRAPH_ROOT" && npm run --silent build); }
