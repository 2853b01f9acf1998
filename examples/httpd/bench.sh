#!/usr/bin/env bash
# Benchmarks examples/httpd against its net/http twin (examples/httpd/nethttp)
# with wrk: 100 connections, both servers pinned to CPU 0 (so Go runs the
# net/http one with GOMAXPROCS=1 too), wrk pinned to CPU 1, runs alternating
# so that both see the same machine. Needs wrk (apt-get install wrk) and
# taskset. Usage: examples/httpd/bench.sh [rounds] [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
secs=${2:-10}
bin=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$bin"' EXIT
go build -o "$bin/lwt" ./examples/httpd
go build -o "$bin/nethttp" ./examples/httpd/nethttp
taskset -c 0 "$bin/lwt" -addr 127.0.0.1:18080 >/dev/null &
taskset -c 0 "$bin/nethttp" -addr 127.0.0.1:18081 >/dev/null &
sleep 1
for r in $(seq "$rounds"); do
  for s in lwt:18080 nethttp:18081; do
    rps=$(taskset -c 1 wrk -t1 -c100 -d"${secs}s" "http://127.0.0.1:${s#*:}/" | awk '/Requests\/sec/ {print $2}')
    echo "round $r ${s%:*} $rps"
  done
done | tee "$bin/out"
awk '{sum[$3]+=$4; n[$3]++} END {l=sum["lwt"]/n["lwt"]; h=sum["nethttp"]/n["nethttp"];
  printf "mean requests/s: lwt %.0f, net/http %.0f, ratio %.2f\n", l, h, l/h}' "$bin/out"
