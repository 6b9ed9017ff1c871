#!/usr/bin/env bash
# Big-tree benchmark (not a test): one machine with the same generated tree synced twice, over virtiofs and over 9p;
# in the guest, a cold walk (after dropping the guest's caches), a warm walk, a read of every file, and `git status`
# when the base has git,
# of each; during each walk the descriptors the serving daemon holds (virtiofsd's busiest process from
# `diskless status --json`; for 9p QEMU itself, which serves it), sampled every 0.2 s, highest kept. The guest root's
# own reclaim (diskless-fuse-reclaim) runs as in any machine: its journal lines are printed at the end.
# Usage: bench/bigtree.sh [FILES] [NOFILE] [GUEST_FILES]   (FILES default 20000, 200 to a folder; NOFILE, when
# given, is the open-file limit diskless runs under, as prlimit --nofile=NOFILE:NOFILE; GUEST_FILES, default 0, files
# the guest then makes in its own root and walks twice; DISKLESS=path picks the binary; TRANSPORTS="vfs 9p" (the
# default) or one of them; PACKAGES, default "git", the guest's extra packages: a base derived from the default one)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
diskless=${DISKLESS:-$repo/artifacts/diskless/Debug/diskless}
files=${1:-20000}
nofile=${2:-}
guest_files=${3:-0}
transports=${TRANSPORTS:-vfs 9p}
packages=${PACKAGES-git}
work=$(mktemp -d /var/tmp/diskless-bench-bigtree.XXXXXX); chmod 755 "$work"
export DISKLESS_HOME=${DISKLESS_HOME:-${DISKLESS_TEST_HOME:-/var/tmp/diskless-test-home}/e2e}
run() { if [ -n "$nofile" ]; then prlimit --nofile="$nofile:$nofile" -- "$diskless" "$@"; else "$diskless" "$@"; fi; }
sampler_pid=
cleanup() {
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null
  (cd "$work" && "$diskless" destroy --force >/dev/null 2>&1) || true; rm -rf --one-file-system "$work"
}
trap cleanup EXIT

echo "==> $files files on the host, 200 to a folder"
mkdir -p "$work/tree"
for ((d = 0; d * 200 < files; d++)); do
  mkdir "$work/tree/d$d"
  for ((i = d * 200; i < files && i < (d + 1) * 200; i++)); do echo x > "$work/tree/d$d/f$i"; done
done
# Packed, so that the tree's .git adds a few files, not one per object (walks leave .git out all the same).
(cd "$work/tree" && git init -q && git add -A && git -c user.name=b -c user.email=b@b commit -qm tree && git gc -q) 2>/dev/null || true
cat > "$work/Disklessfile" <<TOML
name = "bench-bigtree"
memory = "1GiB"
[distro]
name = "debian"
release = "bookworm"
packages = [$(for p in $packages; do printf '"%s",' "$p"; done)]
TOML
# Only the folders walked: a second share of the same tree costs the guest nothing, but a run of one transport
# measures just that.
for m in $transports; do
  case $m in
    vfs) printf '[[synced_folders]]\nhost = "tree"\nguest = "/vfs"\n' ;;
    9p) printf '[[synced_folders]]\nhost = "tree"\nguest = "/9p"\ntransport = "9p"\nsecurity_model = "mapped-xattr"\n' ;;
  esac
done >> "$work/Disklessfile"
cd "$work"
t0=$(date +%s.%N); run up >/dev/null; t1=$(date +%s.%N)
echo "==> up (to SSH): $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s"
status() { "$diskless" status --json; }
# Every virtiofsd (and the child the C one serves from), and QEMU (found by this run's own folder on its command
# line), which serves 9p itself.
vfs_pids=$(status | python3 -c 'import json,sys; print(" ".join(str(d["pid"]) for d in json.load(sys.stdin)["machines"][0]["descriptors"]))')
vfs_pids="$vfs_pids $(for p in $vfs_pids; do cat /proc/$p/task/*/children 2>/dev/null; done)"
qemu_pid=
for c in /proc/[0-9]*/cmdline; do
  if tr '\0' ' ' <"$c" 2>/dev/null | grep -q "^[^ ]*qemu-system.*$work/tree"; then qemu_pid=${c#/proc/}; qemu_pid=${qemu_pid%/cmdline}; fi
done
# The most descriptors one serving process holds, sampled every 0.2 s by one python process that lists
# /proc/PID/fdinfo (plain files: nothing is followed). A shell loop spawning `ls` ten times a second took so much of
# this 2-core host's CPU from the TCG guest that a walk of 5,000 stats went from 4.5 s to 11.0 s.
sampler='
import os, signal, sys, time
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
pids, most = sys.argv[1:], 0
try:
    while True:
        for p in pids:
            try: most = max(most, len(os.listdir(f"/proc/{p}/fdinfo")))
            except OSError: pass
        time.sleep(0.2)
finally:
    print(most)'
declare -A took
walk() { # mount, label, guest command
  local peak n t0 t1 pid
  local pids=$vfs_pids; [ "$1" = 9p ] && pids=$qemu_pid
  python3 -c "$sampler" $pids > "$work/samples" 2>/dev/null & pid=$!; sampler_pid=$pid
  t0=$(date +%s.%N); "$diskless" ssh -c "$3" >"$work/out" 2>&1 || echo "   (the guest command failed: $(tail -2 "$work/out"))"; t1=$(date +%s.%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true; sampler_pid=
  peak=$(tail -1 "$work/samples")
  took[$1 $2]=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')
  printf '%-8s %-16s %8.2f s   %8s lines   peak descriptors %s\n' "$1" "$2" "${took[$1 $2]}" "$(tail -1 "$work/out")" "${peak:-?}"
}
has_git=$("$diskless" ssh -c 'command -v git >/dev/null && echo yes || echo no')
echo "==> limit: $(status | python3 -c 'import json,sys; print(", ".join(d["figure"] for d in json.load(sys.stdin)["machines"][0]["descriptors"]))')"
echo "==> qemu pid ${qemu_pid:-not found}"
walks=("cold find+stat" "warm find+stat" "read all")
[ "$has_git" = yes ] && walks+=("git status")
for m in $transports; do
  walk "$m" "cold find+stat" "sudo sh -c 'echo 3 > /proc/sys/vm/drop_caches'; find /$m -path /$m/.git -prune -o -type f -exec stat -c %s {} + | wc -l"
  walk "$m" "warm find+stat" "find /$m -path /$m/.git -prune -o -type f -exec stat -c %s {} + | wc -l"
  # Opens and reads every file (each holds one line): what a test runner or a grep does.
  walk "$m" "read all" "find /$m -path /$m/.git -prune -o -type f -exec cat {} + | wc -l"
  if [ "$has_git" = yes ]; then
    # The index was written on the host, by another owner than the guest's user sees over an unmapped folder: a
    # plain status would take every file for changed and hash them all, each time (it may not write the index).
    # minimal stat checks (mtime and size) leave git the walk a status costs in a checkout of one's own.
    walk "$m" "git status" "cd /$m && git -c safe.directory='*' -c core.checkStat=minimal -c core.trustctime=false status --short | wc -l"
  fi
done
[ "$transports" = "vfs 9p" ] && echo "==> virtiofs time / 9p time" && for w in "${walks[@]}"; do printf '%-16s %6.2f\n' "$w" "$(awk -v a="${took[vfs $w]}" -v b="${took[9p $w]}" 'BEGIN {print a / b}')"; done
if [ "$guest_files" -gt 0 ]; then
  echo "==> $guest_files files made by the guest in its own root (~/bigtree), 200 to a folder, then walked twice"
  walk root "make" "for ((i = 0; i < $guest_files; i++)); do d=~/bigtree/d\$((i / 200)); [ -d \$d ] || mkdir -p \$d; echo x > \$d/f\$i; done; echo made"
  walk root "find+stat 1" "find ~/bigtree -type f -exec stat -c %s {} + | wc -l"
  walk root "find+stat 2" "find ~/bigtree -type f -exec stat -c %s {} + | wc -l"
fi
echo "==> the guest is healthy: $("$diskless" ssh -c 'ls /usr/bin | wc -l; sudo -n true && echo sudo works' | tr '\n' ' ')"
echo "==> virtiofsd after the walks: $(status | python3 -c 'import json,sys; print(", ".join(d["figure"] for d in json.load(sys.stdin)["machines"][0]["descriptors"]))')"
echo "==> the guest's reclaim (CPU seconds of its process since boot, and its last lines):"
"$diskless" ssh -c 'pid=$(systemctl show -p MainPID --value diskless-fuse-reclaim); read -r -a s </proc/$pid/stat; echo "utime+stime $(( (s[13] + s[14]) )) ticks of $(getconf CLK_TCK)/s over $(cut -d. -f1 /proc/uptime) s of uptime"; sudo journalctl -b -o cat -u diskless-fuse-reclaim --no-pager | tail -3'
