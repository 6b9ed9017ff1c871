#!/usr/bin/env bash
# Space benchmark (not a test), the project's reason to exist: boot a machine, write N MiB in the guest, delete it,
# sync, halt; report the root folder's host bytes before and after. The same guest also has a qcow2 data disk (ext4
# inside, the usual way to give a VM a disk): the same N MiB written and deleted there (and fstrim'd), and the qcow2
# file's host bytes before and after. Prints both and the ratio of what each kept.
# Usage: bench/space.sh [N_MIB]   (root; run scripts/setup first; DISKLESS=path picks the binary)
set -euo pipefail
mib=${1:-300}
repo=$(cd "$(dirname "$0")/.." && pwd)
diskless=${DISKLESS:-$repo/artifacts/release/diskless}
[ -x "$diskless" ] || { echo "build first: scripts/setup (or set DISKLESS=path)" >&2; exit 1; }
export DISKLESS_HOME=${DISKLESS_HOME:-/var/tmp/diskless-bench-home}

work=$(mktemp -d /var/tmp/diskless-bench-space.XXXXXX)
chmod 755 "$work"
cleanup() { (cd "$work" && "$diskless" destroy --force >/dev/null 2>&1) || true; rm -rf --one-file-system "$work"; }
trap cleanup EXIT
qemu-img create -q -f qcow2 "$work/data.qcow2" 4G
# QEMU runs as the machine's guest root, an unprivileged host id (root's subordinate range, else the documented
# 2147352576): the disk must be that id's for QEMU to open it.
guest_root=$(awk -F: '$1 == "root" {print $2; exit}' /etc/subuid); guest_root=${guest_root:-2147352576}
chown "$guest_root:$guest_root" "$work/data.qcow2"
cat > "$work/Disklessfile" <<TOML
name = "bench-space"
cpus = 2
memory = "1GiB"
[distro]
name = "debian"
[share]
transport = "virtiofs"
[provider]
extra_args = ["-drive", "file=$work/data.qcow2,if=virtio,format=qcow2"]
TOML
# The tests' namespace base, when there is one, under the key diskless computes for a project of uid 4321 run by
# root: no base build (minutes) for the benchmark. Without it the first up builds the base.
ns_base=$(find "${DISKLESS_TEST_HOME:-/var/tmp/diskless-test-home}/ns-base-root/bases" -mindepth 1 -maxdepth 1 -type d -name 'debian-*' 2>/dev/null | head -1)
if [ -n "$ns_base" ]; then
  mkdir -p "$DISKLESS_HOME/bases"; [ -d "$DISKLESS_HOME/bases/$(basename "$ns_base")" ] || cp -a "$ns_base" "$DISKLESS_HOME/bases/"
  chown -R 4321:4322 "$work"; chown "$guest_root:$guest_root" "$work/data.qcow2"
fi
cd "$work"
# The extra qcow2 disk is an extra QEMU argument, which a Disklessfile may pass only once trusted: the benchmark
# trusts its own file, in a configuration folder of its own.
export XDG_CONFIG_HOME="$work/config"
"$diskless" trust >/dev/null
echo "==> creating the machine (builds or reuses the base)"
"$diskless" up >/dev/null
root=$("$diskless" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["machines"][0]["rootPath"])')
"$diskless" ssh -c 'sudo mkfs.ext4 -q /dev/vda && sudo mkdir -p /mnt/data && sudo mount /dev/vda /mnt/data && sync' >/dev/null
"$diskless" halt >/dev/null
root_before=$(du -sB1 --one-file-system "$root" | cut -f1)
qcow_before=$(du -B1 "$work/data.qcow2" | cut -f1)

echo "==> writing and deleting $mib MiB in the root and on the qcow2 disk"
"$diskless" up >/dev/null
"$diskless" ssh -c "set -e; sudo mount /dev/vda /mnt/data
  sudo dd if=/dev/urandom of=/var/tmp/fill bs=1M count=$mib status=none; sync; sudo rm /var/tmp/fill; sync
  sudo dd if=/dev/urandom of=/mnt/data/fill bs=1M count=$mib status=none; sync; sudo rm /mnt/data/fill; sync
  sudo fstrim -v /mnt/data || true; sudo umount /mnt/data"
"$diskless" halt >/dev/null
root_after=$(du -sB1 --one-file-system "$root" | cut -f1)
qcow_after=$(du -B1 "$work/data.qcow2" | cut -f1)

kept_root=$((root_after - root_before)); kept_qcow=$((qcow_after - qcow_before))
echo
echo "machine: $(nproc) vCPUs, $(free -g | awk '/Mem/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg), data dir on $(stat -f -c %T "$DISKLESS_HOME")"
printf 'root folder:  before %d B, after %d B: kept %d B (%.1f MiB) of %d MiB written and deleted\n' "$root_before" "$root_after" "$kept_root" "$(awk -v b="$kept_root" 'BEGIN {print b / 1048576}')" "$mib"
printf 'qcow2 disk:   before %d B, after %d B: kept %d B (%.1f MiB) of %d MiB written and deleted\n' "$qcow_before" "$qcow_after" "$kept_qcow" "$(awk -v b="$kept_qcow" 'BEGIN {print b / 1048576}')" "$mib"
if [ "$kept_root" -gt 0 ]; then
  printf 'ratio qcow2/root of the bytes kept: %.0f\n' "$(awk -v q="$kept_qcow" -v r="$kept_root" 'BEGIN {print q / r}')"
else
  echo "ratio: the root kept nothing ($kept_root B), the qcow2 kept $kept_qcow B"
fi
