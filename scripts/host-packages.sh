#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Diskless needs on the host, running `apt-get update` only when
# something is missing. Usage: scripts/host-packages.sh [--tests] [--bench]
set -euo pipefail

runtime=(qemu-system-x86 qemu-utils debootstrap openssh-client e2fsprogs coreutils util-linux uidmap bubblewrap mmdebstrap)
tests=(openssh-server busybox btrfs-progs initramfs-tools-core xz-utils procps arch-install-scripts pacman-package-manager makepkg archlinux-keyring fakeroot libarchive-tools gnupg libvirt-daemon-system libvirt-clients zsh fish)
bench=(vagrant hyperfine python3 git)

wanted=("${runtime[@]}")
for arg in "$@"; do
  case "$arg" in
    --tests) wanted+=("${tests[@]}") ;;
    --bench) wanted+=("${bench[@]}") ;;
    *) echo "usage: $0 [--tests] [--bench]" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "error: installing ${missing[*]} needs root; run this script as root" >&2; exit 1; }
  sudo=(sudo)
fi
echo "==> Installing host packages: ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
