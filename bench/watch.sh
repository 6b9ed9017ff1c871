#!/usr/bin/env bash
# Host edit to guest event (not a test): how long after a file is written on the host a watcher in the guest hears
# it. One long-lived `diskless ssh -c` runs `inotifywait -m` on a synced folder in the guest; the host times from
# just before its write to the MODIFY line's arrival back over SSH. That round trip needs no clock of the guest (its
# clock is set from the RTC at boot, to the second, so a one-way figure from it would be off by up to a second) and
# is an upper bound of the one-way latency (the way back is one SSH hop). `diskless ssh -c` gives the guest command
# no input, so no ping over the same stream can estimate that hop.
# RUNS edits, one every 0.3 s, each a new content; prints median and p95 in milliseconds. An edit not heard within
# 10 s is counted as missed (and the run goes on) instead of waiting for ever.
# Usage: bench/watch.sh [RUNS]   (run scripts/setup first; as root or as a user with a subordinate range)
# DISKLESS=path of the program, DISKLESS_HOME=where bases and machines go (a kept one reuses its base).
set -euo pipefail
runs=${1:-50}
repo=$(cd "$(dirname "$0")/.." && pwd)
diskless=${DISKLESS:-$repo/artifacts/release/diskless}
[ -x "$diskless" ] || { echo "build first: scripts/setup (or set DISKLESS=path)" >&2; exit 1; }
export DISKLESS_HOME=${DISKLESS_HOME:-/var/tmp/diskless-bench-home}

work=$(mktemp -d /var/tmp/diskless-bench.XXXXXX)
cleanup() {
  (cd "$work" && timeout 300 "$diskless" destroy --force >/dev/null 2>&1) || echo "destroy failed: run \`diskless destroy --force\` in $work" >&2
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
release = "bookworm"
packages = ["inotify-tools", "entr"]
[[synced_folders]]
host = "shared"
guest = "/project"
TOML
cd "$work"
echo "==> up (builds or reuses the base)"
timeout 1800 "$diskless" up >/dev/null
echo "==> $runs host edits"
RUNS=$runs DISKLESS_BIN=$diskless timeout 900 python3 - <<'PY'
import os, select, statistics, subprocess, time

runs = int(os.environ["RUNS"])
# stdin stays open: the guest command ends with the ssh process, which the end of the run stops.
guest = subprocess.Popen([os.environ["DISKLESS_BIN"], "ssh", "-c", "inotifywait -m -e modify --format '%e %w%f' /project 2>&1"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
fd = guest.stdout.fileno()
buffer = b""

def line(timeout):
    """The next line from the guest, or None after timeout seconds."""
    global buffer
    deadline = time.monotonic() + timeout
    while b"\n" not in buffer:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 65536)
        if not chunk:
            raise SystemExit("the guest command ended")
        buffer += chunk
    got, buffer = buffer.split(b"\n", 1)
    return got.decode(errors="replace")

def until(wanted, timeout):
    """The next line wanted(line) is true of, or None after timeout seconds."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        got = line(left)
        if got is None:
            return None
        if wanted(got):
            return got
    return None

try:
    if until(lambda l: "Watches established" in l, 120) is None:
        raise SystemExit("inotifywait in the guest did not set up its watches in 120 s")
    time.sleep(2)
    latencies, missed = [], 0
    for i in range(runs):
        while line(0.05) is not None:
            pass  # what the last edit brought besides its MODIFY
        written = time.monotonic()
        with open("shared/file.txt", "w") as f:
            f.write(f"{i}\n")
        if until(lambda l: l == "MODIFY /project/file.txt", 10) is None:
            missed += 1
        else:
            latencies.append((time.monotonic() - written) * 1000)
        time.sleep(0.3)
finally:
    guest.terminate()
    try:
        guest.wait(timeout=30)
    except subprocess.TimeoutExpired:
        guest.kill()
        guest.wait()

if not latencies:
    raise SystemExit(f"no edit heard ({missed} missed)")
latencies.sort()
p95 = latencies[min(len(latencies) - 1, max(0, round(0.95 * len(latencies)) - 1))]
print(f"host edit -> guest inotify MODIFY -> back over SSH: median {statistics.median(latencies):.0f} ms, "
      f"p95 {p95:.0f} ms, max {latencies[-1]:.0f} ms ({len(latencies)} of {runs} edits heard, {missed} missed)")
PY
