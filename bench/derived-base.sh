#!/usr/bin/env bash
# Derived-base benchmark (not a test): a new user's first `diskless up` (an empty data dir: the base is built from
# nothing) against a second project's first `up` whose Disklessfile adds one package (the base is derived from the
# first: cloned, the package installed in the sandbox). Prints each figure, the ratio (goal: at most 0.35), the
# package files the second up fetched (goal: only the added package's) and the package cache's size.
# Both machines run at once (the first project's machine keeps its base in use), as two projects would.
# Then the second machine is halted and brought up again, so its first boot and a later boot are timed in the same run,
# under the same load: with each boot, QEMU's CPU seconds until SSH answered (under TCG they follow the guest's own
# work, not the host's load), the figure that tells a slower first boot from a busier host.
# Usage: bench/derived-base.sh [PACKAGE]   (PACKAGE defaults to tree; DISKLESS=path picks the binary)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
diskless=${DISKLESS:-$repo/artifacts/diskless/Debug/diskless}
package=${1:-tree}
work=$(mktemp -d /var/tmp/diskless-bench-derived.XXXXXX); chmod 755 "$work"
export DISKLESS_HOME="$work/data"
cleanup() {
  local status=$?
  # A failed run keeps its ups' logs (the work folder goes): they say which step failed and why.
  if [ "$status" -ne 0 ]; then
    logs=$(mktemp -d /var/tmp/diskless-bench-derived-logs.XXXXXX)
    cp "$work"/*.log "$logs"/ 2>/dev/null || true
    echo "failed (exit $status); the ups' logs are in $logs" >&2
  fi
  for p in "$work"/first "$work"/second; do [ -d "$p" ] && (cd "$p" && "$diskless" destroy --force >/dev/null 2>&1) || true; done
  (cd "$work" && "$diskless" prune >/dev/null 2>&1) || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", b - a}'; }
project() {
  mkdir -p "$work/$1"
  printf 'name = "%s"\nmemory = "1GiB"\n\n[distro]\nname = "debian"\nrelease = "bookworm"\npackages = [%s]\n' "$1" "$2" > "$work/$1/Disklessfile"
}
# stage LOG TITLE [N]: the seconds of the Nth (default first; "last" for the last) "==> TITLE…" stage of LOG ("-" when
# it did not run). One awk, no pipe: under pipefail, a grep that stops at its first match made the pipeline fail and
# printed "-" after the figure.
stage() {
  awk -v t="==> $2" -v n="${3:-1}" 'index($0, t) == 1 {seen++; f = 1; next}
    f && /^[ \t]+done in/ {f = 0; v = $3; gsub(/[^0-9.]/, "", v); got[seen] = v "s"}
    END {k = (n == "last") ? seen : n; print (k in got) ? got[k] : "-"}' "$1"
}
# The stages of one up after its base, as one line (the machine's clone is the last "Cloning": a derivation clones its parent first).
stages() { printf 'clone %s, configure %s, boot to SSH %s' "$(stage "$1" 'Cloning root filesystem' last)" "$(stage "$1" 'Configuring the machine root')" "$(stage "$1" 'waiting for SSH')"; }
# qemu_cpu LOG: the CPU seconds (user + system) of the QEMU that LOG started, read once its up returned ("-" when gone).
qemu_cpu() {
  local pid; pid=$(sed -n 's/^qemu runs as pid \([0-9]*\).*/\1/p' "$1" | tail -n1)
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] && awk -v t="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / t}' "/proc/$pid/stat" || echo -
}

project first ""
project second "\"$package\""
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
start=$(now); (cd "$work/first" && "$diskless" up --verbose) > "$work/first.log" 2>&1; first=$(elapsed "$start" "$(now)")
first_cpu=$(qemu_cpu "$work/first.log")
start=$(now); (cd "$work/second" && "$diskless" up --verbose) > "$work/second.log" 2>&1; second=$(elapsed "$start" "$(now)")
second_cpu=$(qemu_cpu "$work/second.log")
(cd "$work/second" && "$diskless" halt) > "$work/halt.log" 2>&1
again_load=$(cut -d' ' -f1-3 /proc/loadavg)
start=$(now); (cd "$work/second" && "$diskless" up --verbose) > "$work/again.log" 2>&1; again=$(elapsed "$start" "$(now)")
fetched=$(grep -cE '^Get:[0-9]+ \S+ \S+/\S+ \S+ \S+ \S+ \S+ \[' "$work/second.log" || true)
printf '%-44s %8s s  (base build %s; %s)\n' "first project's first up (base from nothing)" "$first" "$(stage "$work/first.log" 'Building the Debian')" \
  "$(stages "$work/first.log")"
printf '%-44s %8s s  (parent clone %s, derivation %s; %s)\n' "second project's first up (+ $package, derived)" "$second" \
  "$(stage "$work/second.log" 'Cloning root filesystem' 1)" "$(stage "$work/second.log" 'Deriving the Debian')" "$(stages "$work/second.log")"
printf '%-44s %8s s  (boot to SSH %s, load %s)\n' "second machine halted and up again" "$again" "$(stage "$work/again.log" 'waiting for SSH')" "$again_load"
printf '%-44s %8s\n' "QEMU CPU s to SSH: first, second, again" "$first_cpu, $second_cpu, $(qemu_cpu "$work/again.log")"
printf '%-44s %8s\n' "ratio second/first (goal <= 0.35)" "$(awk -v a="$first" -v b="$second" 'BEGIN {printf "%.2f", b / a}')"
printf '%-44s %8s\n' "package files the second up downloaded" "$fetched"
printf '%-44s %8s\n' "package cache" "$(du -sh "$DISKLESS_HOME/cache/packages" | cut -f1)"
grep -q "deriving it from base" "$work/second.log" || { echo "error: the second base was not derived" >&2; exit 1; }
