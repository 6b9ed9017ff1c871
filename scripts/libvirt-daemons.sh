#!/usr/bin/env bash
# Starts virtlogd and then libvirtd as daemons when they are not running: for machines without a service manager
# (containers, CI), where libvirt-daemon-system installs the daemons but nothing starts them. Idempotent: a running
# daemon (started by systemd or by an earlier run) is left alone. virtlogd comes first: libvirtd hands every domain's
# console and log to it, and the first `virsh start` fails on its socket otherwise. Run as root.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "error: $0 starts system daemons and must run as root" >&2; exit 1; }

running() { [ -S "$1" ] && pgrep -x "$2" >/dev/null; }

for daemon in virtlogd libvirtd; do
  command -v "$daemon" >/dev/null || [ -x "/usr/sbin/$daemon" ] || {
    echo "error: $daemon is not installed: apt-get install -y libvirt-daemon-system" >&2; exit 1; }
done

if ! running /run/libvirt/virtlogd-sock virtlogd; then
  echo "==> Starting virtlogd"
  /usr/sbin/virtlogd -d
fi
if ! running /run/libvirt/libvirt-sock libvirtd; then
  echo "==> Starting libvirtd"
  /usr/sbin/libvirtd -d
fi

# libvirtd makes its sockets a moment after it forks into the background: wait for them (10 s is far above the
# fraction of a second it takes), so that the first virsh after this script does not race the daemon.
for _ in $(seq 100); do
  [ -S /run/libvirt/libvirt-sock ] && [ -S /run/libvirt/virtlogd-sock ] && virsh -c qemu:///system version >/dev/null 2>&1 && exit 0
  sleep 0.1
done
echo "error: libvirtd did not answer on /run/libvirt/libvirt-sock within 10 s; see /var/log/libvirt/libvirtd.log" >&2
exit 1
