#!/usr/bin/env bash
# Benchmarks the echo server against its goroutine-per-connection twin
# (examples/echo/goroutines): both pinned to CPU 0 (so Go runs the twin with
# GOMAXPROCS=1), the load generator (examples/echo/load: 50 connections,
# 16 KiB sent and read back at a time) pinned to CPU 1, runs alternating.
# Usage: examples/echo/bench.sh [rounds] [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
secs=${2:-10}
bin=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$bin"' EXIT
go build -o "$bin/echo" ./examples/echo
go build -o "$bin/goroutines" ./examples/echo/goroutines
go build -o "$bin/load" ./examples/echo/load
taskset -c 0 "$bin/echo" server 127.0.0.1:17000 >/dev/null &
taskset -c 0 "$bin/goroutines" 127.0.0.1:17001 >/dev/null &
sleep 1
for r in $(seq "$rounds"); do
  for s in lwt:17000 goroutines:17001; do
    mbs=$(taskset -c 1 "$bin/load" -time "${secs}s" "127.0.0.1:${s#*:}" | awk '{print $1}')
    echo "round $r ${s%:*} $mbs"
  done
done | tee "$bin/out"
awk '{sum[$3]+=$4; n[$3]++} END {l=sum["lwt"]/n["lwt"]; g=sum["goroutines"]/n["goroutines"];
  printf "mean MB/s: lwt %.1f, goroutines %.1f, ratio %.2f\n", l, g, l/g}' "$bin/out"
