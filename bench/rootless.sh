#!/usr/bin/env bash
# Rootless benchmark (not a test), medians of RUNS runs each in this one run of the script:
#   base build  — Diskless's default Debian base (minbase + its package set), built
#                   as root:      debootstrap, the way host-owned roots are built;
#                   rootless:     mmdebstrap --mode=unshare as the ordinary user diskless-tester (its subordinate range),
#                                 the way every qemu-provider base is built now;
#                 same release, mirror, variant and packages; the trees are compared by size and file count.
#   boot to SSH — `diskless up` of an already-created, halted machine, as root and as diskless-tester (both in their
#                 machine's user namespace; virtiofs).
# Usage: bench/rootless.sh [RUNS]   (root; run scripts/setup and scripts/test-user.sh first)
#   ONLY=build or ONLY=boot: measure one half only.
#   HOME_ROOT / HOME_USER: data dirs to use for the two machines (their bases are reused when cached there; the
#   user's must belong to diskless-tester); by default fresh ones, so each first up builds its base.
set -euo pipefail
runs=${1:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
diskless=${DISKLESS:-$repo/artifacts/release/diskless}
[ -x "$diskless" ] || { echo "build first: scripts/setup (or set DISKLESS=path)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "run as root: the script switches to diskless-tester for the rootless half" >&2; exit 1; }
"$repo/scripts/host-packages.sh" --bench
"$repo/scripts/test-user.sh"
user=diskless-tester

packages=ca-certificates,dbus,initramfs-tools,iproute2,kmod,linux-image-amd64,netbase,openssh-server,procps,sudo,systemd-sysv,udev,zstd
mirror=http://deb.debian.org/debian
work=$(mktemp -d /var/tmp/diskless-bench-rootless.XXXXXX)
chmod 755 "$work"
program=$work/program
cp -a "$(dirname "$diskless")" "$program"; chmod -R a+rX "$program"
cleanup() {
  for who in root $user; do
    [ -d "$work/project-$who" ] || continue
    as $who destroy --force >/dev/null 2>&1 || true
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m}'; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}'; }

build_root() {
  local dir=$work/base-root start
  start=$(now)
  debootstrap --variant=minbase --include=$packages --components=main --arch=amd64 bookworm "$dir" "$mirror" >/dev/null 2>&1
  chroot "$dir" apt-get clean
  since "$start"
}

build_rootless() {
  local dir=$work/user/base start
  mkdir -p "$work/user"; chown $user: "$work/user"
  start=$(now)
  runuser -u $user -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp \
    mmdebstrap --mode=unshare --variant=minbase --include=$packages --components=main --architectures=amd64 -q \
    bookworm "$dir" "$mirror" >/dev/null 2>&1
  since "$start"
}

describe() { printf '%s MB, %s files' "$(du -sm "$1" | cut -f1)" "$(find "$1" | wc -l)"; }

root_builds=(); user_builds=()
[ "${ONLY:-}" = boot ] || for i in $(seq "$runs"); do
  rm -rf --one-file-system "$work/base-root"
  root_builds+=("$(build_root)"); echo "debootstrap as root, run $i: ${root_builds[-1]} s ($(describe "$work/base-root"))"
  [ -d "$work/user" ] && runuser -u $user -- unshare --map-auto --map-root-user rm -rf "$work/user/base"
  user_builds+=("$(build_rootless)"); echo "mmdebstrap as $user, run $i: ${user_builds[-1]} s ($(describe "$work/user/base"))"
done
[ "${ONLY:-}" = boot ] || {
rm -rf --one-file-system "$work/base-root"
runuser -u $user -- unshare --map-auto --map-root-user rm -rf "$work/user/base"
rmdir "$work/user"
}

# One machine each, created once (the first up builds that user's base through diskless), then timed ups.
setup_project() {
  local who=$1 dir=$work/project-$1
  mkdir -p "$dir" "$(home $who)"
  cat > "$dir/Disklessfile" <<'TOML'
name = "bench"
cpus = 2
memory = "1GiB"
[distro]
name = "debian"
[share]
transport = "virtiofs"
TOML
  [ "$who" = root ] || chown -R $user: "$dir"
  [ "$who" = root ] || [ -n "${HOME_USER:-}" ] || chown -R $user: "$(home $who)"
}
home() { if [ "$1" = root ]; then echo "${HOME_ROOT:-$work/home-root}"; else echo "${HOME_USER:-$work/home-$user}"; fi; }
as() {
  local who=$1; shift
  if [ "$who" = root ]; then (cd "$work/project-root" && DISKLESS_HOME=$(home root) "$program/diskless" "$@")
  else (cd "$work/project-$user" && runuser -u $user -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp \
          DISKLESS_HOME="$(home $user)" "$program/diskless" "$@"); fi
}
[ "${ONLY:-}" = build ] || for who in root $user; do
  setup_project $who
  echo "==> creating the $who machine once (builds its base through diskless unless $(home $who) has it)"
  start=$(now); as $who up >/dev/null; echo "    first up as $who: $(since "$start") s"
  as $who halt >/dev/null
done

root_boots=(); user_boots=()
[ "${ONLY:-}" = build ] || for i in $(seq "$runs"); do
  for who in root $user; do
    start=$(now); as $who up >/dev/null 2>&1; t=$(since "$start"); as $who halt --force >/dev/null 2>&1
    if [ "$who" = root ]; then root_boots+=("$t"); else user_boots+=("$t"); fi
    echo "diskless up as $who, run $i: $t s"
  done
done

rb=$(printf '%s\n' "${root_builds[@]:-0}" | median); ub=$(printf '%s\n' "${user_builds[@]:-0}" | median)
rs=$(printf '%s\n' "${root_boots[@]:-0}" | median); us=$(printf '%s\n' "${user_boots[@]:-0}" | median)
accel=tcg; grep -qE 'vmx|svm' /proc/cpuinfo && accel=kvm
echo
echo "machine: $(nproc) vCPUs, $(free -g | awk '/Mem/ {print $2}') GiB, accel $accel, load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${ONLY:-}" != boot ]; then
  echo "base build, debootstrap as root (median of $runs): $rb s"
  echo "base build, mmdebstrap as $user (median of $runs): $ub s"
  echo "ratio rootless/root build: $(awk -v a="$ub" -v b="$rb" 'BEGIN {printf "%.2f", a / b}')"
fi
[ "${ONLY:-}" = build ] && exit 0
echo "up to SSH as root (median of $runs): $rs s"
echo "up to SSH as $user (median of $runs): $us s"
echo "ratio rootless/root boot: $(awk -v a="$us" -v b="$rs" 'BEGIN {printf "%.2f", a / b}')"
