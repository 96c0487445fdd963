#!/usr/bin/env bash
cd /work/main
for i in 1 2 3; do
  for cfg in full nolog nohist none; do
    case $cfg in full) a="";; nolog) a="--no-audit-log";; nohist) a="--history none";; none) a="--no-audit-log --history none";; esac
    SERVER_ARGS="$a" BENCH_SKIP_BUILD=1 BENCH_TARGETS=shipped BENCH_WORKLOADS="direct-100 direct-1000" BENCH_RESULTS_DIR=/tmp/exp7/$cfg-$i aurachat-bench/run-bench.sh > /tmp/exp7/$cfg-$i.out 2>&1
  done
done
