#!/usr/bin/env bash
# Overlay evaluation (not a test): on ext4, is a machine root made of an overlay (the base as the lower layer, the
# machine's changes as the upper layer, mounted on the host while the machine runs and shared into the guest as its
# root) better than the plain copy diskless makes? Measures, for both: making the root (time, extra bytes), boot to
# SSH (`diskless up` of the halted machine), in-guest metadata speed (`find /usr`, `git status` of a tree of ~14k
# files, each twice: cold, warm), and whether deleting a file frees its space (one the machine wrote; one of the base).
# The overlay's lower layer is the machine's configured copy, standing in for base + configuration (a few KiB of
# writes): diskless has no overlay strategy, this mounts one by hand at the root's path (host root's mount, which the
# machine's namespace inherits) and lets `diskless up` boot it.
# Usage: bench/overlay.sh   (root; DISKLESS=path picks the binary)
set -euo pipefail
# virtiofsd keeps an open file per inode the guest has cached (cache=always): a find of /usr and a git status of ~14k
# files together exceed a limit of 20000 (this machine's hard limit), and the guest sees "Too many open files". Raise it
# where allowed; the guest also drops its caches before the git runs (its inodes are forgotten, virtiofsd's files closed).
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"
repo=$(cd "$(dirname "$0")/.." && pwd)
diskless=${DISKLESS:-$repo/artifacts/release/diskless}
ns_bases=${DISKLESS_TEST_HOME:-/var/tmp/diskless-test-home}/ns-base-root/bases
base=$(find "$ns_bases" -mindepth 1 -maxdepth 1 -type d -name 'debian-*' | head -1)
[ -d "$base" ] || { echo "no base tree: run the tests once (they build $ns_bases/…)" >&2; exit 1; }
work=$(mktemp -d /var/tmp/diskless-bench-overlay.XXXXXX); chmod 755 "$work"
export DISKLESS_HOME=$work/home
proj=$work/proj; root=""
cleanup() {
  (cd "$proj" && "$diskless" halt --force >/dev/null 2>&1) || true
  [ -n "$root" ] && umount "$root" 2>/dev/null || true
  [ -n "$root" ] && [ -d "$root.lower" ] && { rmdir "$root" 2>/dev/null || true; mv "$root.lower" "$root"; }
  (cd "$proj" && "$diskless" destroy --force >/dev/null 2>&1) || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }
mib() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }
bytes() { sync; du -sB1 --one-file-system "$1" | cut -f1; }

# The tests' namespace base, under the key diskless computes for a project of uid 4321 run by root.
mkdir -p "$DISKLESS_HOME/bases" "$proj"; cp -a "$base" "$DISKLESS_HOME/bases/"
printf 'name = "bench-overlay"\ncpus = 2\nmemory = "1GiB"\n[distro]\nname = "debian"\n[share]\ntransport = "virtiofs"\n' > "$proj/Disklessfile"
chown -R 4321:4322 "$proj"; chmod 755 "$proj"; cd "$proj"
a=$(now); "$diskless" up >/dev/null; b=$(now)
echo "first up (copy clone + configure + boot): $(elapsed "$a" "$b") s"
root=$("$diskless" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["machines"][0]["rootPath"])')
"$diskless" halt >/dev/null
owner=$(stat -c %u:%g "$root")
# A large tree under git, made on the host (a TCG guest would take minutes), and the host's git (same Debian) for the guest.
cp -a "$root/usr" "$root/srv/tree"
g() { git -c safe.directory="*" -C "$root/srv/tree" "$@"; }; g init -q && g add -A && g -c user.name=b -c user.email=b@b commit -qm tree
chown -R "$owner" "$root/srv/tree/.git"; install -o "${owner%:*}" -g "${owner#*:}" /usr/bin/git "$root/usr/local/bin/git"
files=$(g ls-files | wc -l)
big=$(cd "$root" && find usr -xdev -type f -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2)
[ -n "$big" ] || { echo "no file in the base's /usr" >&2; exit 1; }

guest_bench() {  # prints: find cold, find warm, git cold, git warm
  "$diskless" ssh -c 'for i in 1 2; do s=$(date +%s.%N); find /usr | wc -l >/dev/null; e=$(date +%s.%N); echo "find$i $(echo "$e - $s" | awk "{print \$1 - \$3}")"; done
    sudo sh -c "echo 3 > /proc/sys/vm/drop_caches"; for i in 1 2; do s=$(date +%s.%N); sudo git -c safe.directory=* -C /srv/tree status --porcelain | wc -l >/dev/null; e=$(date +%s.%N); echo "git$i $(echo "$e - $s" | awk "{print \$1 - \$3}")"; done'
}
frees() {  # $1: folder whose bytes count; prints what writing then deleting 64 MiB, then deleting a base file, left
  local before after1 after2 size
  size=$(stat -c %s "$2/$big"); before=$(bytes "$1")
  "$diskless" ssh -c 'sudo dd if=/dev/urandom of=/var/tmp/written bs=1M count=64 status=none; sync; sudo rm /var/tmp/written; sync' >/dev/null
  after1=$(bytes "$1")
  "$diskless" ssh -c "sudo rm /$big; sync" >/dev/null
  after2=$(bytes "$1")
  echo "written 64 MiB then deleted: $(mib $((after1 - before))) MiB kept; deleting the base's /$big ($(mib "$size") MiB): $(mib $((after2 - after1))) MiB freed or kept"
}

echo "==> copy (diskless's root on ext4): tree of $files files in git"
a=$(now); "$diskless" up >/dev/null; b=$(now); echo "boot to SSH: $(elapsed "$a" "$b") s"
guest_bench
cp -a "$root/$big" "$work/big.keep"
frees "$root" "$root"
"$diskless" halt >/dev/null
cp -a "$work/big.keep" "$root/$big"

echo "==> overlay: lower = that root, upper = a new folder, mounted at the root's path"
mv "$root" "$root.lower"; mkdir -p "$root" "$work/upper" "$work/ovlwork"; chown "$owner" "$root" "$work/upper"; chmod 755 "$work/upper"
used=$(df -B1 --output=used "$work" | tail -1)
a=$(now); mount -t overlay overlay -o "lowerdir=$root.lower,upperdir=$work/upper,workdir=$work/ovlwork" "$root"; b=$(now)
echo "making the root: $(elapsed "$a" "$b") s, $(( $(df -B1 --output=used "$work" | tail -1) - used )) extra bytes"
a=$(now); "$diskless" up >/dev/null 2>"$work/up.err" || { echo "overlay boot FAILED:"; tail -5 "$work/up.err"; exit 0; }; b=$(now)
echo "boot to SSH: $(elapsed "$a" "$b") s"
guest_bench
echo "upper layer after boot and benchmarks: $(mib "$(bytes "$work/upper")") MiB"
frees "$work/upper" "$root.lower"
"$diskless" halt >/dev/null
echo "machine: $(nproc) vCPUs, $(free -g | awk '/Mem/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
