#!/usr/bin/env bash
# Base-build benchmark (not a test): Diskless's default Debian base made by mmdebstrap the way Diskless ran it before
# (the kernel package builds Debian's MODULES=most initramfs, and initramfs-tools' trigger builds it again) against
# the way it runs now (INITRD=No: no initramfs in the base; each machine's configure builds the small one it boots).
# The same command otherwise (mode, variant, packages, mirror), alternated RUNS times, each into a fresh folder, with
# one shared apt archive so both read the same .debs (the first run also fetches them). Prints each run's seconds,
# the medians and the ratio now/before (issue 23's goal: at most 0.6).
# Usage: bench/base-build.sh [RUNS]   (root; default 3)
set -euo pipefail
runs=${1:-3}
packages=ca-certificates,dbus,initramfs-tools,iproute2,kmod,linux-image-amd64,netbase,openssh-server,procps,sudo,systemd-sysv,udev,zstd
work=$(mktemp -d /var/tmp/diskless-bench-base.XXXXXX)
trap 'rm -rf --one-file-system "$work"' EXIT
mkdir -p "$work/archives"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"

# build NAME [VAR=VALUE…]: seconds for one mmdebstrap into a fresh folder (its .debs linked in from, and back to, the shared archive).
build() {
  local name=$1; shift
  rm -rf --one-file-system "$work/root"
  local start end
  start=$(date +%s.%N)
  env "$@" LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive mmdebstrap --mode=unshare --variant=minbase --include=$packages \
    --components=main --architectures=amd64 --skip=essential/unlink \
    --setup-hook="mkdir -p \"\$1/var/cache/apt/archives\" && find $work/archives -name '*.deb' -exec cp -al {} \"\$1/var/cache/apt/archives/\" \;" \
    --customize-hook="find \"\$1/var/cache/apt/archives\" -maxdepth 1 -name '*.deb' -exec cp -aln {} $work/archives/ \;" \
    bookworm "$work/root" http://deb.debian.org/debian > "$work/$name.log" 2>&1 || { tail -20 "$work/$name.log" >&2; exit 1; }
  end=$(date +%s.%N)
  local initramfs=$(ls "$work/root/boot" | grep -c '^initrd.img' || true)
  awk -v a="$start" -v b="$end" -v n="$name" -v i="$initramfs" 'BEGIN {printf "%-8s %6.1f s  (initramfs images in the base: %d)\n", n, b - a, i}' >&2
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f\n", b - a}'
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# One unmeasured build fills the shared archive, so no measured run downloads.
build warm-up INITRD=No > /dev/null
before=() now=()
for _ in $(seq "$runs"); do
  before+=("$(build before DISKLESS_BENCH=before)")
  now+=("$(build now INITRD=No)")
done
b=$(printf '%s\n' "${before[@]}" | median)
n=$(printf '%s\n' "${now[@]}" | median)
echo "before (two MODULES=most initramfs images): median $b s of ${before[*]}"
echo "now (INITRD=No, no initramfs in the base):   median $n s of ${now[*]}"
awk -v b="$b" -v n="$n" 'BEGIN {printf "ratio now/before: %.2f\n", n / b}'
