#!/usr/bin/env bash
# Big-tree benchmark (not a test): one machine with the same generated tree synced twice, over virtiofs and over 9p;
# in the guest, a cold walk (after dropping the guest's caches), a warm walk, and `git status` when the base has git,
# of each; during each walk the descriptors the serving daemon holds (virtiofsd's busiest process from
# `diskless status --json`; for 9p QEMU itself, which serves it), sampled every 0.2 s, highest kept. The guest root's
# own reclaim (diskless-fuse-reclaim) runs as in any machine: its journal lines are printed at the end.
# Usage: bench/bigtree.sh [FILES] [NOFILE]   (FILES default 20000, 200 to a folder; NOFILE, when given, is the
# open-file limit diskless runs under, as prlimit --nofile=NOFILE:NOFILE; DISKLESS=path picks the binary)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
diskless=${DISKLESS:-$repo/artifacts/diskless/Debug/diskless}
files=${1:-20000}
nofile=${2:-}
work=$(mktemp -d /var/tmp/diskless-bench-bigtree.XXXXXX); chmod 755 "$work"
export DISKLESS_HOME=${DISKLESS_HOME:-${DISKLESS_TEST_HOME:-/var/tmp/diskless-test-home}/e2e}
run() { if [ -n "$nofile" ]; then prlimit --nofile="$nofile:$nofile" -- "$diskless" "$@"; else "$diskless" "$@"; fi; }
cleanup() { (cd "$work" && "$diskless" destroy --force >/dev/null 2>&1) || true; rm -rf --one-file-system "$work"; }
trap cleanup EXIT

echo "==> $files files on the host, 200 to a folder"
mkdir -p "$work/tree"
for ((d = 0; d * 200 < files; d++)); do
  mkdir "$work/tree/d$d"
  for ((i = d * 200; i < files && i < (d + 1) * 200; i++)); do echo x > "$work/tree/d$d/f$i"; done
done
(cd "$work/tree" && git init -q && git add -A && git -c user.name=b -c user.email=b@b commit -qm tree) 2>/dev/null || true
cat > "$work/Disklessfile" <<TOML
name = "bench-bigtree"
memory = "1GiB"
[distro]
name = "debian"
release = "bookworm"
[[synced_folders]]
host = "tree"
guest = "/vfs"
[[synced_folders]]
host = "tree"
guest = "/9p"
transport = "9p"
security_model = "mapped-xattr"
TOML
cd "$work"
run up >/dev/null
status() { "$diskless" status --json; }
qemu_pid=$(status | python3 -c 'import json,sys,re; print(re.search(r"qemu pid (\d+)", json.load(sys.stdin)["machines"][0]["detail"] or "").group(1))' 2>/dev/null || true)
# The busiest virtiofsd (the root's or the folder's), or QEMU's own descriptors for 9p.
sample() {
  if [ "$1" = vfs ]; then status | python3 -c 'import json,sys; print(max(d["open"] for d in json.load(sys.stdin)["machines"][0]["descriptors"]))'
  else ls "/proc/$qemu_pid/fd" 2>/dev/null | wc -l; fi
}
walk() { # mount, label, guest command
  local peak=0 n t0 t1 pid
  ( while :; do sample "$1"; sleep 0.2; done ) > "$work/samples" 2>/dev/null & pid=$!
  t0=$(date +%s.%N); "$diskless" ssh -c "$3" >/dev/null; t1=$(date +%s.%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  peak=$(sort -n "$work/samples" | tail -1)
  printf '%-8s %-14s %8.2f s   peak descriptors %s\n' "$1" "$2" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" "${peak:-?}"
}
has_git=$("$diskless" ssh -c 'command -v git >/dev/null && echo yes || echo no')
echo "==> limit: $(status | python3 -c 'import json,sys; print(", ".join(d["figure"] for d in json.load(sys.stdin)["machines"][0]["descriptors"]))')"
printf '%-8s %-14s %10s\n' mount walk time
for m in vfs 9p; do
  walk "$m" "cold find+stat" "sudo sh -c 'echo 3 > /proc/sys/vm/drop_caches'; find /$m -type f -exec stat -c %s {} + | wc -l"
  walk "$m" "warm find+stat" "find /$m -type f -exec stat -c %s {} + | wc -l"
  if [ "$has_git" = yes ]; then
    walk "$m" "git status" "cd /$m && git -c safe.directory='*' status --short | wc -l"
  fi
done
echo "==> the guest's reclaim:"
"$diskless" ssh -c 'sudo journalctl -b -o cat -u diskless-fuse-reclaim --no-pager | tail -5'
