#!/usr/bin/env bash
# Creates the ordinary account the tests act as when they need somebody who is not root: diskless-tester, with a
# home, no sudo rights, a uid other than 1000 (the guest user's usual uid would hide a missing mapping) and the
# subordinate uid/gid range useradd gives new users. Run as root; does nothing when the account exists.
set -euo pipefail
name=diskless-tester
[ "$(id -u)" -eq 0 ] || { echo "error: $0 creates a user and must run as root" >&2; exit 1; }
id "$name" >/dev/null 2>&1 && exit 0
uid=2345
while getent passwd "$uid" >/dev/null; do uid=$((uid + 1)); done
echo "==> Creating the test user $name (uid $uid)"
useradd --create-home --shell /bin/bash --uid "$uid" "$name"
