#!/usr/bin/env bash
# Boot benchmark (not a test): time to SSH-ready from the same base (same kernel, same packages),
#   hand-made   — LAB.md's way: the base configured by hand as LAB.md did it (modules added to initramfs-tools'
#                 default MODULES=most, networkd with DHCP, nothing else masked), virtiofsd + its plain qemu
#                 command, ssh polled once a second;
#   diskless    — `diskless up` of an already-created, halted machine.
# Each is the median of RUNS runs in this one session; the ratio is diskless / hand-made (target <= 0.7).
# Usage: bench/boot.sh [RUNS]   (root; run scripts/setup first)
set -euo pipefail
runs=${1:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
diskless=${DISKLESS:-$repo/artifacts/release/diskless}
[ -x "$diskless" ] || { echo "build first: scripts/setup (or set DISKLESS=path)" >&2; exit 1; }
"$repo/scripts/host-packages.sh" --bench
export DISKLESS_HOME=${DISKLESS_HOME:-/var/tmp/diskless-bench-home}

work=$(mktemp -d /var/tmp/diskless-bench.XXXXXX)
qemu_pid=""
cleanup() {
  [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null || true
  (cd "$work" && "$diskless" destroy --force >/dev/null 2>&1) || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

cat > "$work/Disklessfile" <<'TOML'
name = "bench"
cpus = 2
memory = "1GiB"
[distro]
name = "debian"
[share]
transport = "virtiofs"
TOML
cd "$work"
echo "==> creating the machine once (builds or reuses the base)"
"$diskless" up >/dev/null
# The machine's state lives in the data dir: its key as ssh-config names it, its base as status does.
key=$("$diskless" ssh-config | awk '$1 == "IdentityFile" {print $2}')
base_key=$("$diskless" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["machines"][0]["base"]["key"])')
"$diskless" halt >/dev/null
root=$("$diskless" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["machines"][0]["rootPath"])')

echo "==> configuring the same base by hand, as LAB.md did"
lab="$work/lab-root"
cp -a --reflink=auto "$DISKLESS_HOME/bases/$base_key/." "$lab/"
# Diskless's bases belong to the machine's subordinate range (guest root = the range's first id); the hand-made way
# runs as host root, so its copy gets host ids back: every owner moved down by the range's start, setuid bits kept.
shift=$(stat -c %u "$lab/etc/passwd")
if [ "$shift" != 0 ]; then
  python3 - "$lab" "$shift" "$(stat -c %g "$lab/etc/passwd")" <<'PY'
import os, stat, sys
root, uid_shift, gid_shift = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def back(i, s): return i - s if s <= i < s + 65536 else i
for folder, dirs, files in os.walk(root):
    for name in [folder] + [os.path.join(folder, n) for n in dirs + files]:
        st = os.lstat(name)
        os.lchown(name, back(st.st_uid, uid_shift), back(st.st_gid, gid_shift))
        if not stat.S_ISLNK(st.st_mode):
            os.chmod(name, stat.S_IMODE(st.st_mode))  # chown clears setuid/setgid
PY
fi
unmount_lab() { umount -R "$lab/proc" "$lab/sys" "$lab/dev" 2>/dev/null || true; }
trap 'unmount_lab; cleanup' EXIT
echo lab > "$lab/etc/hostname"
echo 'nameserver 10.0.2.3' > "$lab/etc/resolv.conf"
printf 'virtio_pci\n9pnet\n9pnet_virtio\n9p\nvirtiofs\n' >> "$lab/etc/initramfs-tools/modules"
rm -f "$lab/etc/initramfs-tools/conf.d/resume"
printf '[Match]\nName=en*\n[Network]\nDHCP=ipv4\n' > "$lab/etc/systemd/network/20-wired.network"
ln -sf /lib/systemd/system/systemd-networkd.service "$lab/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
ln -sf /dev/null "$lab/etc/systemd/system/systemd-networkd-wait-online.service"
mount -t proc proc "$lab/proc"; mount --rbind /sys "$lab/sys"; mount --make-rslave "$lab/sys"
mount --rbind /dev "$lab/dev"; mount --make-rslave "$lab/dev"
chroot "$lab" useradd -m -s /bin/bash diskless
install -d -m 700 -o 1000 -g 1000 "$lab/home/diskless/.ssh"
install -m 600 -o 1000 -g 1000 "$key.pub" "$lab/home/diskless/.ssh/authorized_keys"
# -c: a base carries no initramfs (each machine's configure makes its own), so there is none to update.
chroot "$lab" update-initramfs -c -k all >/dev/null 2>&1
unmount_lab
kernel=$(readlink -f "$lab/vmlinuz"); initrd="$lab/boot/initrd.img-${kernel##*/vmlinuz-}"
echo "    hand-made initramfs: $(stat -c %s "$initrd") bytes; diskless': $(stat -c %s "$root/boot/initrd.img-${kernel##*/vmlinuz-}") bytes"
virtiofsd=$(command -v virtiofsd || echo /usr/lib/qemu/virtiofsd)
accel=tcg; grep -qE 'vmx|svm' /proc/cpuinfo && accel=kvm

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m}'; }
now() { date +%s.%N; }

hand_made() {
  local sock="$work/vfs.sock" port=2299 start end
  start=$(now)
  "$virtiofsd" --socket-path="$sock" -o source="$lab" -o cache=auto -o xattr >/dev/null 2>&1 &
  while [ ! -S "$sock" ]; do sleep 0.05; done
  # LAB.md's command as written: no -cpu, so QEMU's default model.
  qemu-system-x86_64 -machine q35 -accel $accel -smp 2 -m 1024 \
    -object memory-backend-memfd,id=mem,size=1024M,share=on -numa node,memdev=mem \
    -chardev socket,id=vfs,path="$sock" -device vhost-user-fs-pci,chardev=vfs,tag=rootfs \
    -kernel "$kernel" -initrd "$initrd" -append 'root=rootfs rw rootfstype=virtiofs console=ttyS0' \
    -netdev user,id=n0,hostfwd=tcp:127.0.0.1:$port-:22 -device virtio-net-pci,netdev=n0 \
    -display none -serial null -pidfile "$work/qemu.pid" -daemonize
  qemu_pid=$(cat "$work/qemu.pid")
  until ssh -q -i "$key" -p $port -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o ConnectTimeout=2 -o BatchMode=yes diskless@127.0.0.1 true 2>/dev/null; do sleep 1; done
  end=$(now)
  kill "$qemu_pid"; while kill -0 "$qemu_pid" 2>/dev/null; do sleep 0.2; done; qemu_pid=""
  rm -f "$sock"
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}'
}

diskless_up() {
  local start end
  start=$(now); "$diskless" up >/dev/null; end=$(now)
  "$diskless" halt --force >/dev/null
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}'
}

hand=(); ours=()
for i in $(seq "$runs"); do
  hand+=("$(hand_made)"); echo "hand-made run $i: ${hand[-1]} s"
  ours+=("$(diskless_up)"); echo "diskless up run $i: ${ours[-1]} s"
done
h=$(printf '%s\n' "${hand[@]}" | median); d=$(printf '%s\n' "${ours[@]}" | median)
echo
echo "machine: $(nproc) vCPUs, $(free -g | awk '/Mem/ {print $2}') GiB, accel $accel, $(qemu-system-x86_64 --version | head -1)"
echo "hand-made to SSH (median of $runs): $h s"
echo "diskless up to SSH (median of $runs): $d s"
echo "ratio diskless/hand-made: $(awk -v d="$d" -v h="$h" 'BEGIN {printf "%.2f", d / h}')"

echo
echo "where the guest's boot time goes (systemd-analyze, one more diskless up):"
"$diskless" up >/dev/null
"$diskless" ssh -c 'systemd-analyze; systemd-analyze blame | head -n 8; ls -la /boot/initrd.img-* | awk "{print \$5, \$9}"'
"$diskless" halt --force >/dev/null

