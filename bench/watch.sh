#!/usr/bin/env bash
# Host edit to guest event (not a test): how long after a file is written on the host a watcher in the guest hears
# it. One long-lived `diskless ssh -c` runs, in the guest, `inotifywait -m` on a synced folder and a reader of its
# own input; both print each line with the guest's clock ($EPOCHREALTIME). Before each edit the host sends a ping and
# reads the guest's stamp back: the ping with the shortest round trip gives the guest clock's offset to the host's
# (to within half that round trip, printed). Two figures per edit:
#   one way     host write -> the guest's inotifywait prints MODIFY (guest stamp, minus the offset)
#   round trip  host write -> that line is back on the host over SSH (an upper bound that needs no clock)
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
guest_script = (
    "( inotifywait -m -e modify --format '%e %w%f' /project 2>&1 | while IFS= read -r l; do echo \"E $EPOCHREALTIME $l\"; done ) & "
    "while IFS= read -r l; do echo \"P $EPOCHREALTIME $l\"; done; kill $! 2>/dev/null"
)
# stdin stays open: diskless ssh ends the guest command when its input closes.
guest = subprocess.Popen([os.environ["DISKLESS_BIN"], "ssh", "-c", "exec bash -c " + "'" + guest_script.replace("'", "'\\''") + "'"],
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

def send(text):
    guest.stdin.write(text.encode() + b"\n")
    guest.stdin.flush()

try:
    if until(lambda l: "Watches established" in l, 120) is None:
        raise SystemExit("inotifywait in the guest did not set up its watches in 120 s")
    time.sleep(2)
    pings, edits, missed = [], [], 0
    for i in range(runs):
        while line(0.05) is not None:
            pass  # what the last edit brought besides its MODIFY
        sent = time.time()
        send(f"ping {i}")
        got = until(lambda l: l.startswith("P "), 10)
        back = time.time()
        if got is not None:
            pings.append((back - sent, float(got.split()[1]) - (sent + back) / 2))
        written = time.time()
        with open("shared/file.txt", "w") as f:
            f.write(f"{i}\n")
        got = until(lambda l: l.startswith("E ") and l.endswith(" MODIFY /project/file.txt"), 10)
        if got is None:
            missed += 1
        else:
            edits.append((written, float(got.split()[1]), time.time()))
        time.sleep(0.3)
finally:
    guest.stdin.close()
    try:
        guest.wait(timeout=30)
    except subprocess.TimeoutExpired:
        guest.kill()
        guest.wait()

if not edits or not pings:
    raise SystemExit(f"no edit heard ({missed} missed)")
rtt, offset = min(pings)

def figures(values):
    values = sorted(values)
    p95 = values[min(len(values) - 1, max(0, round(0.95 * len(values)) - 1))]
    return f"median {statistics.median(values):.0f} ms, p95 {p95:.0f} ms, max {values[-1]:.0f} ms"

print(f"host edit -> guest inotify MODIFY, one way:   {figures([(g - offset - w) * 1000 for w, g, _ in edits])} "
      f"(guest clock offset known to +-{rtt * 500:.0f} ms)")
print(f"host edit -> guest MODIFY -> back over SSH:   {figures([(b - w) * 1000 for w, _, b in edits])}")
print(f"{len(edits)} of {runs} edits heard, {missed} missed")
PY
