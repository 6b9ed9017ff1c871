#!/usr/bin/env bash
# Boot benchmark of the /home share (not a test): `diskless up` of a halted machine, to SSH, with two builds of diskless
# alternated run by run on the same base: BEFORE (a build without the /home share: its machine's fstab has no /home
# line and no virtiofsd serves it) and AFTER (this tree's build: /home is a share of its own, one more virtiofsd).
# Each build gets its own machine, created once. Prints every run, the median of each, and the load average.
# Usage: BEFORE=path/to/old/diskless bench/home-boot.sh [RUNS]   (RUNS default 3; AFTER defaults to this tree's build)
set -euo pipefail
runs=${1:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
before=${BEFORE:?set BEFORE to a diskless built without the /home share}
after=${AFTER:-$repo/artifacts/diskless/Debug/diskless}
export DISKLESS_HOME=${DISKLESS_HOME:-${DISKLESS_TEST_HOME:-/var/tmp/diskless-test-home}/e2e}
work=$(mktemp -d /var/tmp/diskless-bench-home.XXXXXX)
cleanup() {
  for b in before after; do (cd "$work/$b" 2>/dev/null && "${!b}" destroy --force >/dev/null 2>&1) || true; done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
for b in before after; do
  mkdir -p "$work/$b"
  printf 'name = "bench-home-%s"\ncpus = 2\nmemory = "1GiB"\n[distro]\nname = "debian"\nrelease = "bookworm"\n[share]\ntransport = "virtiofs"\n' "$b" > "$work/$b/Disklessfile"
  echo "==> creating the $b machine"
  (cd "$work/$b" && "${!b}" up >/dev/null && "${!b}" halt >/dev/null)
done
declare -A took
for ((r = 1; r <= runs; r++)); do
  for b in before after; do
    cd "$work/$b"
    t0=$(date +%s.%N); "${!b}" up >/dev/null; t1=$(date +%s.%N)
    took[$b $r]=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
    mounts=$("${!b}" ssh -c 'findmnt -n -o SOURCE /home || echo root' | tr '\n' ' ')
    echo "run $r $b: up ${took[$b $r]} s (/home from: $mounts; load $(cut -d' ' -f1-3 /proc/loadavg))"
    "${!b}" halt >/dev/null
  done
done
for b in before after; do
  printf '%-6s median %s s\n' "$b" "$(for ((r = 1; r <= runs; r++)); do echo "${took[$b $r]}"; done | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')"
done
