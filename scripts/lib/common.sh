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
# Node.js. The server runs on Node.js $FNGRAPH_NODE_MAJOR; functions run on any of
# $FNGRAPH_NODE_RUNTIME_MAJORS this machine has. A major the host's `node` does not
# provide is installed from the npm registry (package node-linux-<arch>, the official
# build: bin/node and the C headers native modules compile against) into
# $FNGRAPH_STATE/node/<major>/, where the server finds it (nodejs.org need not be reachable).

FNGRAPH_NODE_MAJOR=24
FNGRAPH_NODE_RUNTIME_MAJORS=(24 22)

# node_major BINARY: the major version of a Node.js binary (fails if it does not run).
node_major() {
  local v
  v=$("$1" --version 2>/dev/null) || return 1
  [[ $v =~ ^v([0-9]+)\. ]] || return 1
  echo "${BASH_REMATCH[1]}"
}

# node_install_dir MAJOR: where ensure_node_install puts Node.js MAJOR.
node_install_dir() { echo "$FNGRAPH_STATE/node/$1"; }

# ensure_node_install MAJOR: Node.js MAJOR under $FNGRAPH_STATE/node/MAJOR (downloaded
# once, verified to run). Progress goes to stderr.
ensure_node_install() {
  local major=$1 dir arch tmp tgz lock
  dir=$(node_install_dir "$major")
  _fg_node_installed "$major" "$dir" && return 0
  # One install at a time per state directory (two test runs may start together); the
  # one that waited finds the other's install.
  mkdir -p "$FNGRAPH_STATE/node"
  exec {lock}>"$FNGRAPH_STATE/node/.install.lock"
  flock "$lock"
  if _fg_node_installed "$major" "$dir"; then
    exec {lock}>&-
    return 0
  fi
  case $(uname -m) in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "no Node.js $major package for $(uname -m) on the npm registry: install Node.js $major and put it first on PATH" ;;
  esac
  command -v npm >/dev/null || die "npm not found: it is needed to fetch node-linux-$arch@$major from the npm registry"
  log "installing Node.js $major from the npm registry (node-linux-$arch@$major) into $dir" >&2
  tmp=$(mktemp -d "$FNGRAPH_STATE/node/.install-$major.XXXXXX")
  # npm pack only downloads (no install scripts run); the tarball is the release's bin/, include/, share/.
  if ! tgz=$(cd "$tmp" && retry 3 npm pack --silent "node-linux-$arch@$major" | tail -n 1) || [[ ! -f $tmp/$tgz ]]; then
    rm -rf "$tmp"
    die "could not download node-linux-$arch@$major from the npm registry"
  fi
  tar -xzf "$tmp/$tgz" -C "$tmp" && rm -f "$tmp/$tgz"
  if [[ $(node_major "$tmp/package/bin/node") != "$major" ]]; then
    rm -rf "$tmp"
    die "the Node.js $major from node-linux-$arch@$major does not run here"
  fi
  rm -rf "$dir"
  mv "$tmp/package" "$dir"
  rm -rf "$tmp"
  exec {lock}>&-
  log "Node.js $("$dir/bin/node" --version) installed" >&2
}

_fg_node_installed() { [[ $(node_major "$2/bin/node") == "$1" && -f $2/include/node/node.h ]]; }

# host_node_for MAJOR: prints a Node.js MAJOR binary this machine already has (the `node`
# on PATH, /usr/local/bin/node, /usr/bin/node), or fails.
host_node_for() {
  local candidate
  for candidate in "$(command -v node || true)" /usr/local/bin/node /usr/bin/node; do
    [[ -n $candidate && -x $candidate ]] || continue
    if [[ $(node_major "$candidate") == "$1" ]]; then
      readlink -f "$candidate"
      return 0
    fi
  done
  return 1
}

# node_binary_for MAJOR: prints a Node.js MAJOR binary: the machine's when it has one,
# else the one ensure_node_install provides.
node_binary_for() {
  host_node_for "$1" && return 0
  ensure_node_install "$1" || return 1
  echo "$(node_install_dir "$1")/bin/node"
}

# Node.js 24 first on PATH (installed when the machine's is older), and every Node.js major
# the function runtimes offer: what scripts/start, scripts/test and scripts/bench run first.
use_nodes() {
  use_server_node
  ensure_runtime_nodes
}

# headers_major DIR: the Node.js major whose headers DIR holds (empty when none).
headers_major() {
  sed -n 's/^#define NODE_MAJOR_VERSION \([0-9]*\)$/\1/p' "$1/include/node/node_version.h" 2>/dev/null || true
}

# use_server_node: makes `node` on PATH Node.js $FNGRAPH_NODE_MAJOR or newer for every
# later step (npm ci, the build, vitest, the server), installing it when the host's is
# older. native modules (better-sqlite3) then compile against its headers: node-gyp would
# otherwise download them from nodejs.org.
use_server_node() {
  local host major
  host=$(command -v node || true)
  if [[ -n $host ]] && major=$(node_major "$host") && ((major >= FNGRAPH_NODE_MAJOR)); then
    # node-gyp (better-sqlite3) must compile against this Node.js's own headers: left to itself,
    # offline, it takes whatever it finds on the system (Debian's Node.js 20 headers), and the
    # module then fails to load with "compiled against a different Node.js version". A nodedir
    # already set for another major (an npmrc's `nodedir=/usr`, which `npm run` exports) is replaced.
    local prefix
    prefix=$(dirname "$(dirname "$(readlink -f "$host")")")
    if [[ -f $prefix/include/node/node.h ]] && [[ -z ${npm_config_nodedir:-} || $(headers_major "$npm_config_nodedir") != "$major" ]]; then
      export npm_config_nodedir="$prefix"
    fi
    log "node $("$host" --version) ($host; headers: ${npm_config_nodedir:-node-gyp default})"
    return 0
  fi
  ensure_node_install "$FNGRAPH_NODE_MAJOR"
  local dir
  dir=$(node_install_dir "$FNGRAPH_NODE_MAJOR")
  PATH="$dir/bin:$PATH"
  export PATH
  export npm_config_nodedir="$dir"
  hash -r
  log "node $(node --version) ($dir/bin/node; the host's: ${host:-none} $([[ -n $host ]] && "$host" --version 2>/dev/null))"
}

# ensure_runtime_nodes: every Node.js major functions may run on, so the server offers
# nodejs22 and nodejs24 whatever the host has (a host Node.js 20 stays: nodejs20, deprecated).
ensure_runtime_nodes() {
  local major
  for major in "${FNGRAPH_NODE_RUNTIME_MAJORS[@]}"; do
    node_binary_for "$major" >/dev/null
  done
}

# ---------------------------------------------------------------------------
# Node dependencies and build.

# Both stamps sit beside what they describe (node_modules/, dist/), so deleting that also
# drops its stamp, and git worktrees that share one node_modules share its stamp. Both
# compare contents, not times: a fresh checkout (or a worktree) has new mtimes on
# unchanged files.

# node_modules_stamp: what node_modules was installed from, as one line: the lock file's
# hash and the Node.js ABI and platform (native modules are built for one Node.js major).
node_modules_stamp() {
  local lock abi
  lock=$(sha256sum "$FNGRAPH_ROOT/package-lock.json" | cut -d' ' -f1)
  abi=$(node -p '`node-abi-${process.versions.modules} ${process.platform}-${process.arch}`') || return 1
  echo "$lock $abi"
}

ensure_node_modules() {
  (
    cd "$FNGRAPH_ROOT" || exit
    local wanted stamp=node_modules/.fngraph-install-stamp
    wanted=$(node_modules_stamp) || exit
    if [[ -f node_modules/.package-lock.json && -f $stamp && $(cat "$stamp") == "$wanted" ]]; then
      log "node_modules up to date (package-lock.json and Node.js $(node --version) unchanged)"
    else
      log "npm ci ($([[ -f $stamp ]] && echo "package-lock.json or the Node.js ABI changed" || echo "no install stamp"))"
      npm ci --no-audit --no-fund
      # The stamp vouches for the native module: it must load in this Node.js, or nothing that
      # opens the embedded store will.
      [[ ! -d node_modules/better-sqlite3 ]] || node -e 'new (require("better-sqlite3"))(":memory:").close()' ||
        die "better-sqlite3 was built for another Node.js than $(node --version) (set npm_config_nodedir to this Node.js's directory)"
      echo "$wanted" >"$stamp"
    fi
  )
}

# build_inputs_hash: one hash over every file the build reads (src/, console/, the tsconfigs,
# package.json with its build script, package-lock.json with the compiler's version).
build_inputs_hash() {
  (
    cd "$FNGRAPH_ROOT" || exit
    local inputs=(src tsconfig*.json package.json package-lock.json)
    [[ -d console ]] && inputs+=(console)
    find "${inputs[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
  )
}

# ensure_build: `npm run build` unless dist/ was built by this function from the same inputs.
# (A build by hand removes dist/ first, stamp included, so it is never mistaken for one.)
ensure_build() {
  local wanted stamp="$FNGRAPH_ROOT/dist/.fngraph-build-sha256"
  wanted=$(build_inputs_hash) || die "could not hash the build inputs"
  if [[ -f $FNGRAPH_ROOT/dist/main.js && -f $stamp && $(cat "$stamp") == "$wanted" ]]; then
    log "dist/ up to date (nothing under src/, console/, tsconfig*.json or package*.json changed)"
    return 0
  fi
  npm_build
  echo "$wanted" >"$stamp"
}

npm_build() { (cd "$FNGRAPH_ROOT" && npm run --silent build); }
