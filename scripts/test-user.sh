#!/usr/bin/env bash
# Creates the ordinary account the tests act as when they need somebody who is not root: diskless-tester, with a
# home, no sudo rights, a uid other than 1000 (the guest user's usual uid would hide a missing mapping) and a
# subordinate uid/gid range of 65536. Run as root; an existing account only gets the range if it lacks one.
set -euo pipefail
name=diskless-tester
[ "$(id -u)" -eq 0 ] || { echo "error: $0 creates a user and must run as root" >&2; exit 1; }
if ! id "$name" >/dev/null 2>&1; then
  uid=2345
  while getent passwd "$uid" >/dev/null; do uid=$((uid + 1)); done
  echo "==> Creating the test user $name (uid $uid)"
  useradd --create-home --shell /bin/bash --uid "$uid" "$name"
fi
# useradd gives new users a range; an account made another way (or before /etc/subuid existed) may have none.
for file in /etc/subuid /etc/subgid; do
  if ! grep -q "^$name:" "$file" 2>/dev/null; then
    start=$(awk -F: '{ end = $2 + $3; if (end > max) max = end } END { print (max > 100000 ? max : 100000) }' "$file" 2>/dev/null || echo 100000)
    echo "==> Giving $name the subordinate range $start-$((start + 65535)) in $file"
    if [ "$file" = /etc/subuid ]; then
      usermod --add-subuids "$start-$((start + 65535))" "$name"
    else
      usermod --add-subgids "$start-$((start + 65535))" "$name"
    fi
  fi
done
