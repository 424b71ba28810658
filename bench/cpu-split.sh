#!/usr/bin/env bash
# CPU seconds each part of the suite spends while a command runs:
#   bench/cpu-split.sh java -cp bench/target/benchmarks.jar io.hxo.bench.SuiteBench throughput 1000000
# Reads /proc/<pid>/stat (user + system time) of every process `./hxo up` recorded in
# $HXO_STATE_DIR/pids (.hxo/pids) and of every PostgreSQL process, before and after the command.
# A PostgreSQL backend that exits during the run takes its time with it; the services keep theirs.
set -euo pipefail
STATE="${HXO_STATE_DIR:-.hxo}"
TICK=$(getconf CLK_TCK)
[ $# -gt 0 ] || { echo "usage: bench/cpu-split.sh COMMAND [ARGS...]" >&2; exit 2; }

# "name ticks" per part; fields 14 and 15 of /proc/<pid>/stat, counted after the ')' that ends comm.
snapshot() {
  local f pid
  for f in "$STATE"/pids/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    [ -r "/proc/$pid/stat" ] || continue
    echo "$(basename "$f" .pid) $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')"
  done
  local total=0 p
  for p in /proc/[0-9]*; do
    [ "$(cat "$p/comm" 2>/dev/null)" = postgres ] || continue
    total=$((total + $(sed 's/.*) //' "$p/stat" 2>/dev/null | awk '{print $12 + $13}' || echo 0)))
  done
  echo "postgresql $total"
}

before=$(snapshot)
start=$(date +%s.%N)
"$@"
end=$(date +%s.%N)
after=$(snapshot)
echo "--- CPU seconds during the command ($(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}') s wall):"
join <(echo "$before" | sort) <(echo "$after" | sort) \
  | awk -v tick="$TICK" -v a="$start" -v b="$end" '
      { cpu = ($3 - $2) / tick; sum += cpu; printf "  %-22s %8.1f\n", $1, cpu }
      END { printf "  %-22s %8.1f  (%.2f cores busy on average)\n", "all", sum, sum / (b - a) }'
