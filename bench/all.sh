#!/usr/bin/env bash
# Issue 23's benchmarks side by side (not a test): runs each one after the other in this one run and ends with a table
# of every figure and its ratio against the goal, with the machine and the load each ran under. The scripts' own
# output goes to a log each (their figures and runs are all there); this prints where.
#   base-build   bench/base-build.sh RUNS    a base by mmdebstrap as before (two MODULES=most initramfs) and now
#   derived-base bench/derived-base.sh       a second project's first up (+1 package) against the first project's
#   boot         bench/boot.sh RUNS          diskless up of a halted machine against the hand-made way (LAB.md)
#   startup      bench/startup.sh RUNS*10    diskless status against vagrant status
# Usage: bench/all.sh [RUNS] [BENCH…]   (root; RUNS defaults to 3; BENCH picks some of the four, in that order)
# Takes long: on 2 TCG cores, ~5 min for a quiet base-build pair, ~6 min for derived-base, ~2 min a boot pair.
set -uo pipefail
runs=${1:-3}
shift || true
benches=("$@")
[ ${#benches[@]} -gt 0 ] || benches=(base-build derived-base boot startup)
repo=$(cd "$(dirname "$0")/.." && pwd)
logs=$(mktemp -d /var/tmp/diskless-bench-all.XXXXXX)
load() { cut -d' ' -f1-3 /proc/loadavg; }
now() { date +%s; }

rows=()
# row NAME FIGURE RATIO GOAL LOAD-BEFORE SECONDS
row() { rows+=("$(printf '%-13s %-58s %-7s %-8s %-15s %s' "$@")"); }
# last LOG PATTERN: the last line of LOG matching PATTERN (empty when none).
last() { grep -E "$2" "$1" | tail -n1; }

for bench in "${benches[@]}"; do
  log=$logs/$bench.log
  before=$(load); start=$(now)
  echo "==> $bench (load $before), log: $log"
  case $bench in
    base-build)
      "$repo/bench/base-build.sh" "$runs" > "$log" 2>&1
      figure="$(last "$log" '^before' | grep -Eo 'median [0-9.]+ s' | cut -d' ' -f2) s before, $(last "$log" '^now' | grep -Eo 'median [0-9.]+ s' | cut -d' ' -f2) s now"
      ratio=$(last "$log" '^ratio' | grep -Eo '[0-9.]+$')
      goal="<= 0.6" ;;
    derived-base)
      "$repo/bench/derived-base.sh" > "$log" 2>&1
      figure="$(last "$log" "^first project" | grep -Eo '[0-9.]+ s' | head -n1) first, $(last "$log" "^second project" | grep -Eo '[0-9.]+ s' | head -n1) second, $(last "$log" '^package files' | grep -Eo '[0-9]+$') fetched"
      ratio=$(last "$log" '^ratio' | grep -Eo '[0-9.]+$')
      goal="<= 0.35" ;;
    boot)
      "$repo/bench/boot.sh" "$runs" > "$log" 2>&1
      figure="$(last "$log" '^hand-made to SSH' | grep -Eo '[0-9.]+ s$') by hand, $(last "$log" '^diskless up to SSH' | grep -Eo '[0-9.]+ s$') diskless up"
      ratio=$(last "$log" '^ratio' | grep -Eo '[0-9.]+$')
      goal="<= 0.35" ;;
    startup)
      "$repo/bench/startup.sh" $((runs * 10)) > "$log" 2>&1
      d=$(last "$log" '^diskless status' | grep -Eo 'median [0-9.]+ ms' | cut -d' ' -f2)
      v=$(last "$log" '^vagrant status' | grep -Eo 'median [0-9.]+ ms' | cut -d' ' -f2)
      figure="${d:-?} ms diskless status, ${v:-?} ms vagrant status"
      ratio=$(awk -v d="$d" -v v="$v" 'BEGIN {if (v > 0) printf "%.3f", d / v}')
      goal="<= 0.07" ;;
    *) echo "unknown benchmark: $bench (base-build, derived-base, boot, startup)" >&2; exit 2 ;;
  esac
  [ -n "$ratio" ] || { ratio="failed"; figure="see $log"; }
  row "$bench" "$figure" "$ratio" "$goal" "$before" "$(( $(now) - start )) s"
done

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -r), $(grep -qE 'vmx|svm' /proc/cpuinfo && echo KVM || echo 'TCG (no KVM)'), $(qemu-system-x86_64 --version | head -n1)"
printf '%-13s %-58s %-7s %-8s %-15s %s\n' bench figures ratio goal "load at start" took
printf '%s\n' "${rows[@]}"
echo "logs: $logs"
