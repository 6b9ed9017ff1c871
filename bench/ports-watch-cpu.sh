#!/bin/sh
# The guest CPU the host agent's listener watch costs (the "ports" job's one long-running command, which reads
# /proc/net/tcp{,6} every 1.5 s). Run in a project whose machine is up, idle, with its agent:
#   bench/ports-watch-cpu.sh [seconds] [machine]
# It sums, over the interval, the CPU time (user + system, with any children it waited for) of the
# watch's shells in the guest, and prints it as a share of one CPU. Under TCG (no KVM) the figure is an upper bound.
set -eu
seconds=${1:-60}
machine=${2:-}
diskless=${DISKLESS:-diskless}
# The pattern is split so that this command's own line does not match it.
exec "$diskless" ssh -c "
pattern='diskless-listener-watc[h]'
snap() { for p in \$(pgrep -f \"\$pattern\"); do awk -v p=\$p '{print p, \$14+\$15+\$16+\$17}' /proc/\$p/stat 2>/dev/null; done; }
a=\$(snap)
[ -n \"\$a\" ] || { echo 'no listener watch runs in the guest: is the agent up (diskless status)?' >&2; exit 1; }
sleep $seconds
b=\$(snap)
printf '%s\n---\n%s\n' \"\$a\" \"\$b\" | awk -v hz=\$(getconf CLK_TCK) -v secs=$seconds '
  /^---\$/ { second = 1; next }
  !second { a[\$1] = \$2; next }
  (\$1 in a) { d += \$2 - a[\$1] }
  END { printf \"listener watch: %.3f%% of one CPU (%d ticks of 1/%d s in %d s)\n\", d / hz / secs * 100, d, hz, secs }'
" $machine
