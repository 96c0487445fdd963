#!/usr/bin/env bash
# schedstat deltas (run time, run-queue wait) for the server's and generator's threads during direct-100
cd /work/main
mkdir -p /tmp/exp9
snap() { for t in /proc/$1/task/*; do n=$(cat $t/comm); s=$(cat $t/schedstat); v=$(grep -E '^(non)?voluntary_ctxt' $t/status | awk '{print $2}' | tr '\n' ' '); echo "$n|${t##*/}|$s|$v"; done; }
for i in 1 2; do
for cfg in full nolog; do
  case $cfg in full) a="";; nolog) a="--no-audit-log";; esac
  SERVER_ARGS="$a" BENCH_SKIP_BUILD=1 BENCH_TARGETS=shipped BENCH_WORKLOADS="direct-100" BENCH_RESULTS_DIR=/tmp/exp9/$cfg-$i aurachat-bench/run-bench.sh > /tmp/exp9/$cfg-$i.out 2>&1 &
  b=$!
  pid=""
  for t in $(seq 1 100); do pid=$(pgrep -f io.aurachat.examples.ServerMain | head -1); [ -n "$pid" ] && break; sleep 0.2; done
  sleep 6
  gpid=$(pgrep -f 'io.aurachat.bench' | grep -v "^$pid$" | head -1)
  snap $pid > /tmp/exp9/s0-$cfg-$i.txt; snap $gpid > /tmp/exp9/g0-$cfg-$i.txt
  sleep 5
  snap $pid > /tmp/exp9/s1-$cfg-$i.txt; snap $gpid > /tmp/exp9/g1-$cfg-$i.txt
  wait $b
done; done
