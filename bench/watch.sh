#!/usr/bin/env bash
# Host edit to guest event (not a test): how long after a file is written on the host a watcher in the guest hears
# it. A guest `inotifywait -m` on a synced folder prints each event on a long-lived `diskless ssh -c`, the host
# times from just before its write to the line's arrival (so the figure includes the trip back over SSH: it is an
# upper bound). RUNS edits, one every 0.3 s, each to a new content; prints median and p95 in milliseconds.
# Usage: bench/watch.sh [RUNS]   (run scripts/setup first; as root or as a user with a subordinate range)
set -euo pipefail
runs=${1:-50}
repo=$(cd "$(dirname "$0")/.." && pwd)
diskless=${DISKLESS:-$repo/artifacts/release/diskless}
[ -x "$diskless" ] || { echo "build first: scripts/setup (or set DISKLESS=path)" >&2; exit 1; }
export DISKLESS_HOME=${DISKLESS_HOME:-/var/tmp/diskless-bench-home}

work=$(mktemp -d /var/tmp/diskless-bench.XXXXXX)
cleanup() {
  (cd "$work" && "$diskless" destroy --force >/dev/null 2>&1) || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

mkdir -p "$work/shared"
echo 0 > "$work/shared/file.txt"
cat > "$work/Disklessfile" <<'TOML'
name = "bench-watch"
cpus = 2
memory = "1GiB"
[distro]
name = "debian"
packages = ["inotify-tools", "entr"]
[[synced_folders]]
host = "shared"
guest = "/project"
TOML
cd "$work"
echo "==> up (builds or reuses the base)"
"$diskless" up >/dev/null
echo "==> $runs host edits"
RUNS=$runs DISKLESS_BIN=$diskless python3 - <<'PY'
import os, statistics, subprocess, time
runs = int(os.environ["RUNS"])
guest = subprocess.Popen(
    [os.environ["DISKLESS_BIN"], "ssh", "-c",
     "inotifywait -m -e modify,close_write --format '%e %w%f' /project 2>&1"],
    # stdin stays open: diskless ssh ends the guest command when its input closes.
    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
while True:
    line = guest.stdout.readline()
    if not line:
        raise SystemExit("inotifywait in the guest ended before its watches were set up")
    if "Watches established" in line:
        break
time.sleep(2)
latencies = []
for i in range(runs):
    start = time.monotonic()
    with open("shared/file.txt", "w") as f:
        f.write(f"{i}\n")
    while True:
        line = guest.stdout.readline()
        if not line:
            raise SystemExit("inotifywait in the guest ended")
        if line.startswith("MODIFY /project/file.txt"):
            break
    latencies.append((time.monotonic() - start) * 1000)
    time.sleep(0.3)
    # What else the edit brought (CLOSE_WRITE) is read before the next one.
guest.terminate()
latencies.sort()
p95 = latencies[min(len(latencies) - 1, int(round(0.95 * len(latencies))) - 1)]
print(f"host edit -> guest inotify MODIFY (+ SSH back): median {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms, max {latencies[-1]:.0f} ms ({runs} edits)")
PY
