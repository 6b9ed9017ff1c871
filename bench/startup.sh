#!/usr/bin/env bash
# Start-up time of `diskless status` against `vagrant status`, median of N runs each.
#
#   bench/startup.sh [runs]        (default 30; RUNS=… works too)
#
# diskless is published the way a release ships it: Release, ReadyToRun (precompiled, so start-up does not wait for
# the JIT), framework-dependent, started through its apphost. Each tool runs in a temp project of its own: diskless
# with a Disklessfile (a machine not created: status reads the file and the state folder, loads no plugin), vagrant
# with `vagrant init -m`. Measured with hyperfine, which scripts/host-packages.sh --bench installs with vagrant.
set -euo pipefail
"$(dirname "$0")/../scripts/host-packages.sh" --bench

runs=${1:-${RUNS:-30}}
repo=$(cd "$(dirname "$0")/.." && pwd)
publish=$repo/artifacts/bench/diskless
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "publishing diskless (Release, ReadyToRun) to $publish" >&2
# From scratch: an incremental ReadyToRun publish after the sources changed once produced an image that aborted at
# start (exit 134) while the same IL ran fine under the JIT.
rm -rf "$publish" "$repo/src/Cli/obj/Release/linux-x64"
dotnet publish "$repo/src/Cli/Diskless.Cli.csproj" -c Release -r linux-x64 --self-contained false \
  -p:PublishReadyToRun=true -o "$publish" --nologo -v quiet >&2
diskless=$publish/diskless
if ! "$diskless" --version >/dev/null; then
  echo "the published diskless does not start; not measuring" >&2
  exit 1
fi

mkdir -p "$work/diskless" "$work/vagrant"
cat > "$work/diskless/Disklessfile" <<'TOML'
name = "bench"

[distro]
name = "debian"
release = "bookworm"

[provider]
name = "qemu"
TOML

have_vagrant=false
if command -v vagrant >/dev/null 2>&1; then
  (cd "$work/vagrant" && vagrant init -m debian/bookworm64 >/dev/null)
  have_vagrant=true
else
  echo "vagrant is not installed: measuring diskless only" >&2
fi

# median_ms DIR COMMAND...: median wall time in milliseconds of $runs runs of COMMAND in DIR (exit codes ignored).
median_ms() {
  local dir=$1; shift
  if command -v hyperfine >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then
    (cd "$dir" && hyperfine -N -i --warmup 3 --runs "$runs" --export-json "$work/h.json" "$*" >/dev/null 2>&1)
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f" % (r["median"] * 1000))' "$work/h.json"
    # CPU time (user + system) barely depends on what else the machine runs, unlike wall time: report it alongside.
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("cpu %.1f ms" % ((r["user"] + r["system"]) * 1000))' "$work/h.json" >> "$work/cpu.txt"
  else
    local times=() start end
    for _ in 1 2 3; do (cd "$dir" && "$@" >/dev/null 2>&1) || true; done
    for ((i = 0; i < runs; i++)); do
      start=$(date +%s%N)
      (cd "$dir" && "$@" >/dev/null 2>&1) || true
      end=$(date +%s%N)
      times+=($(( (end - start) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f\n", m / 1000 }'
  fi
}

echo "measuring $runs runs each (load average: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
d=$(median_ms "$work/diskless" "$diskless" status)
echo "diskless status: median ${d} ms wall, $(tail -n1 "$work/cpu.txt" 2>/dev/null || echo "cpu ?") mean  (exit $(cd "$work/diskless" && "$diskless" status >/dev/null 2>&1; echo $?))"
if $have_vagrant; then
  v=$(median_ms "$work/vagrant" vagrant status)
  echo "vagrant status:  median ${v} ms wall, $(tail -n1 "$work/cpu.txt" 2>/dev/null || echo "cpu ?") mean"
  python3 -c 'import sys; d,v=map(float,sys.argv[1:]); print(f"ratio: vagrant/diskless = {v/d:.1f}x; diskless takes {100*d/v:.1f}% of vagrant'"'"'s time")' "$d" "$v"
fi
