#!/usr/bin/env bash
# Second-machine benchmark (not a test): what one more machine from a cached base costs, per clone strategy, in time
# and in extra host bytes (the filesystem's used bytes before and after, synced), against a qcow2 backing-file clone
# (`qemu-img create -b base.qcow2`) of a qcow2 built from the same tree; then the time from `diskless up` of a new
# machine (base cached) to SSH, on ext4 (copy) and on btrfs (snapshot).
#   copy            cp -a --one-file-system, on ext4 (what diskless does where nothing is shared)
#   reflink copy    a btrfs subvolume, then cp -a --reflink=always (what diskless does for a base that is no subvolume)
#   btrfs snapshot  btrfs subvolume snapshot of a subvolume base (diskless's default on btrfs)
#   overlay         mount -t overlay with the base as lower layer (evaluated, not used: see bench/overlay.sh)
# The btrfs filesystem is a loop-mounted image on the same disk as the ext4 folder.
# Usage: bench/second-machine.sh [BASE_TREE]   (root; DISKLESS=path picks the binary)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
diskless=${DISKLESS:-$repo/artifacts/release/diskless}
ns_bases=${DISKLESS_TEST_HOME:-/var/tmp/diskless-test-home}/ns-base-root/bases
base=${1:-$(find "$ns_bases" -mindepth 1 -maxdepth 1 -type d -name 'debian-*' | head -1)}
[ -d "$base" ] || { echo "no base tree: run the tests once (they build $ns_bases/…) or pass one" >&2; exit 1; }
key=$(basename "$base")

work=$(mktemp -d /var/tmp/diskless-bench-clone.XXXXXX); chmod 755 "$work"
mnt="$work/btrfs"
cleanup() {
  for p in "$work"/proj-*; do [ -d "$p" ] && (cd "$p" && DISKLESS_HOME=$(cat "$p/.home") "$diskless" destroy --force >/dev/null 2>&1) || true; done
  umount "$work/ovl/merged" 2>/dev/null || true
  umount -l "$mnt" 2>/dev/null || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
used() { sync; df -B1 --output=used "$1" | tail -1 | tr -d ' '; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b - a}'; }
mib() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }
report() { printf '%-16s %8s s  %10s MiB extra\n' "$1" "$2" "$(mib "$3")"; }

truncate -s 8G "$work/btrfs.img"; mkfs.btrfs -q "$work/btrfs.img"; mkdir -p "$mnt"; mount -o loop "$work/btrfs.img" "$mnt"
mkdir -p "$work/ext4"
echo "==> the base ($(du -sh --one-file-system "$base" | cut -f1), $(find "$base" -xdev | wc -l) entries) onto ext4 and btrfs"
cp -a --one-file-system "$base" "$work/ext4/base"
btrfs -q subvolume create "$mnt/base-subvolume"; cp -a --reflink=auto "$base/." "$mnt/base-subvolume/"; btrfs property set -ts "$mnt/base-subvolume" ro true
mkdir "$mnt/base-plain"; cp -a --reflink=auto "$base/." "$mnt/base-plain/"
echo "==> a qcow2 built from the same tree (mkfs.ext4 -d, then qemu-img convert)"
size=$(( $(du -sB1M --one-file-system "$base" | cut -f1) * 2 + 256 ))
truncate -s "${size}M" "$work/base.raw"; mkfs.ext4 -q -d "$base" "$work/base.raw"
qemu-img convert -O qcow2 "$work/base.raw" "$work/ext4/base.qcow2"; rm "$work/base.raw"

echo
printf '%-16s %10s  %14s\n' strategy time "extra bytes"
u=$(used "$work/ext4"); a=$(now); cp -a --one-file-system "$work/ext4/base/." "$work/ext4/m-copy"; b=$(now)
report copy "$(elapsed "$a" "$b")" $(( $(used "$work/ext4") - u ))
u=$(used "$mnt"); a=$(now); btrfs -q subvolume create "$mnt/m-reflink"; cp -a --reflink=always "$mnt/base-plain/." "$mnt/m-reflink/"; b=$(now)
report "reflink copy" "$(elapsed "$a" "$b")" $(( $(used "$mnt") - u ))
u=$(used "$mnt"); a=$(now); btrfs -q subvolume snapshot "$mnt/base-subvolume" "$mnt/m-snapshot"; b=$(now)
report "btrfs snapshot" "$(elapsed "$a" "$b")" $(( $(used "$mnt") - u ))
mkdir -p "$work/ovl/upper" "$work/ovl/work" "$work/ovl/merged"
u=$(used "$work/ext4"); a=$(now); mount -t overlay overlay -o "lowerdir=$work/ext4/base,upperdir=$work/ovl/upper,workdir=$work/ovl/work" "$work/ovl/merged"; b=$(now)
report overlay "$(elapsed "$a" "$b")" $(( $(used "$work/ext4") - u ))
umount "$work/ovl/merged"
u=$(used "$work/ext4"); a=$(now); qemu-img create -q -f qcow2 -b "$work/ext4/base.qcow2" -F qcow2 "$work/ext4/m.qcow2"; b=$(now)
report "qcow2 -b" "$(elapsed "$a" "$b")" $(( $(used "$work/ext4") - u ))

[ -x "$diskless" ] || { echo "no diskless binary at $diskless: skipping the up-to-SSH figures" >&2; exit 0; }
echo
echo "==> diskless up of a new machine, base cached, to SSH"
# The base's key is the one diskless computes for a project of uid 4321 run by root (the tests' namespace base).
up_to_ssh() {  # $1 label, $2 data dir
  local home=$2 proj="$work/proj-$1" a b
  mkdir -p "$home/bases" "$proj"; [ -d "$home/bases/$key" ] || cp -a --reflink=auto "$base" "$home/bases/$key"
  printf 'name = "bench-%s"\ncpus = 2\nmemory = "1GiB"\n[distro]\nname = "debian"\n[share]\ntransport = "virtiofs"\n' "$1" > "$proj/Disklessfile"
  echo "$home" > "$proj/.home"; chown -R 4321:4322 "$proj"; chmod 755 "$proj"
  a=$(now); (cd "$proj" && DISKLESS_HOME=$home "$diskless" up >/dev/null); b=$(now)
  printf '%-16s up to SSH %6s s  (%s)\n' "$1" "$(elapsed "$a" "$b")" "$(cd "$proj" && DISKLESS_HOME=$home "$diskless" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["machines"][0]["storage"])')"
  (cd "$proj" && DISKLESS_HOME=$home "$diskless" destroy --force >/dev/null)
}
# On btrfs the cached base is a read-only subvolume, as diskless makes it.
mkdir -p "$mnt/home/bases"; btrfs -q subvolume snapshot -r "$mnt/base-subvolume" "$mnt/home/bases/$key"
up_to_ssh ext4 "$work/ext4/home"
up_to_ssh btrfs "$mnt/home"
echo
echo "machine: $(nproc) vCPUs, $(free -g | awk '/Mem/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
