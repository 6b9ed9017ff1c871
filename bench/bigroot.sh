#!/usr/bin/env bash
# Big tree in the guest's own root (not a test): FILES files, 200 to a folder, under PLACE in a machine's root folder
# (default /opt/bigtree: served by the root's own virtiofsd, cache=always, whose cached inodes only the guest's reclaim
# service bounds; PLACE=home puts them in the guest user's home instead, served apart with timeout=0). The host writes
# them into the root while the machine is halted (a guest making 200,000 files one by one under TCG would take an
# hour); they belong to the guest's user. Then, in the guest: a find+stat walk after dropping the guest's caches,
# `grep -r`, which opens and reads every file, and a second find+stat walk; during each, the most descriptors the
# busiest virtiofsd holds (from /proc every 0.2 s), against the open-file limit diskless runs it under. Ends with the
# guest's health (a listing of /usr/bin, sudo), status's descriptor figures, and the reclaim service's last lines.
# Usage: bench/bigroot.sh [FILES] [NOFILE]   (FILES default 200000; NOFILE, when given, is the open-file limit diskless
# runs under, as prlimit --nofile=NOFILE:NOFILE; DISKLESS=path picks the binary; PLACE=opt (default) or home)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
diskless=${DISKLESS:-$repo/artifacts/release/diskless}
files=${1:-200000}
nofile=${2:-}
place=${PLACE:-opt}
export DISKLESS_HOME=${DISKLESS_HOME:-${DISKLESS_TEST_HOME:-/var/tmp/diskless-test-home}/e2e}
work=$(mktemp -d /var/tmp/diskless-bench-bigroot.XXXXXX); chmod 755 "$work"
run() { if [ -n "$nofile" ]; then prlimit --nofile="$nofile:$nofile" -- "$diskless" "$@"; else "$diskless" "$@"; fi; }
cleanup() { (cd "$work" && "$diskless" destroy --force >/dev/null 2>&1) || true; rm -rf --one-file-system "$work"; }
trap cleanup EXIT
seconds() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", b - a}'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

printf 'name = "bench-bigroot"\nmemory = "1GiB"\n[distro]\nname = "debian"\nrelease = "bookworm"\n' > "$work/Disklessfile"
cd "$work"
echo "==> creating the machine (builds or reuses the base), then halting it"
run up >/dev/null
user=$("$diskless" ssh -c 'id -un')
"$diskless" halt >/dev/null
root=$("$diskless" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["machines"][0]["rootPath"])')
case $place in
  opt) guest_dir=/opt/bigtree ;;
  home) guest_dir=/home/$user/bigtree ;;
  *) echo "PLACE is opt or home" >&2; exit 2 ;;
esac
host_dir=$root$guest_dir
echo "==> $files files written by the host into the halted root at $guest_dir, 200 to a folder"
t0=$(date +%s.%N)
mkdir "$host_dir"
for ((d = 0; d * 200 < files; d++)); do
  mkdir "$host_dir/d$d"
  for ((i = d * 200; i < files && i < (d + 1) * 200; i++)); do echo x > "$host_dir/d$d/f$i"; done
done
# The guest's user's host id is whatever its home folder belongs to in the root (a root-run machine's range or the
# ordinary user's subordinate range).
chown -R --reference="$root/home/$user" "$host_dir"
echo "    done in $(seconds "$t0" "$(date +%s.%N)") s"
t0=$(date +%s.%N); run up >/dev/null; t1=$(date +%s.%N)
echo "==> up of the halted machine (to SSH): $(seconds "$t0" "$t1") s (load $(load))"
status_figures() { "$diskless" status --json | python3 -c 'import json,sys; print(", ".join(d["figure"] for d in json.load(sys.stdin)["machines"][0]["descriptors"]))'; }
vfs_pids=$("$diskless" status --json | python3 -c 'import json,sys; print(" ".join(str(d["pid"]) for d in json.load(sys.stdin)["machines"][0]["descriptors"]))')
vfs_pids="$vfs_pids $(for p in $vfs_pids; do cat /proc/$p/task/*/children 2>/dev/null; done)"
limit=$(for p in $vfs_pids; do awk '/^Max open files/ {print $4}' "/proc/$p/limits" 2>/dev/null; done | sort -n | head -1)
echo "==> descriptors now: $(status_figures)"
sample() { local most=0 n p; for p in $vfs_pids; do n=$(ls "/proc/$p/fd" 2>/dev/null | wc -l); ((n > most)) && most=$n; done; echo "$most"; }
walk() { # label, guest command
  local pid t0 t1 peak
  ( while :; do sample; sleep 0.2; done ) > "$work/samples" 2>/dev/null & pid=$!
  t0=$(date +%s.%N); "$diskless" ssh -c "$2" >"$work/out" 2>&1 || echo "   (the guest command failed: $(tail -2 "$work/out"))"; t1=$(date +%s.%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  peak=$(sort -n "$work/samples" | tail -1)
  printf '%-22s %8s s  %8s files  peak descriptors %s of %s  (%s ms a file; load %s)\n' "$1" "$(seconds "$t0" "$t1")" \
    "$(tail -1 "$work/out")" "${peak:-?}" "${limit:-?}" "$(awk -v a="$t0" -v b="$t1" -v n="$files" 'BEGIN {printf "%.1f", (b - a) * 1000 / n}')" "$(load)"
}
walk "find+stat (cold)" "sudo sh -c 'echo 3 > /proc/sys/vm/drop_caches'; find $guest_dir -type f -exec stat -c %s {} + | wc -l"
walk "grep -r (reads all)" "grep -r -c x $guest_dir | wc -l"
walk "find+stat (again)" "find $guest_dir -type f -exec stat -c %s {} + | wc -l"
echo "==> the guest is healthy: $("$diskless" ssh -c 'ls /usr/bin | wc -l; sudo -n true && echo sudo works; touch ~/after && echo a file can be made' | tr '\n' ' ')"
echo "==> descriptors after the walks: $(status_figures)"
echo "==> the guest's reclaim (its last lines):"
"$diskless" ssh -c 'sudo journalctl -b -o cat -u diskless-fuse-reclaim --no-pager | tail -4'
t0=$(date +%s.%N); "$diskless" halt >/dev/null; echo "==> halt: $(seconds "$t0" "$(date +%s.%N)") s"
