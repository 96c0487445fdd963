#!/usr/bin/env bash
cd /work/main
mkdir -p /tmp/exp8
for i in 1 2; do
for cfg in full nolog; do
  case $cfg in full) a="";; nolog) a="--no-audit-log";; esac
  SERVER_ARGS="$a" BENCH_SKIP_BUILD=1 BENCH_TARGETS=shipped BENCH_WORKLOADS="direct-100" BENCH_RESULTS_DIR=/tmp/exp8/$cfg-$i aurachat-bench/run-bench.sh > /tmp/exp8/$cfg-$i.out 2>&1 &
  b=$!
  pid=""
  for t in $(seq 1 100); do pid=$(pgrep -f io.aurachat.examples.ServerMain | head -1); [ -n "$pid" ] && break; sleep 0.2; done
  sleep 6
  perf stat -x, --per-thread -e 'task-clock,context-switches,raw_syscalls:sys_enter' -p $pid -- sleep 5 > /tmp/exp8/perf-$cfg-$i.txt 2>&1
  wait $b
done; done
