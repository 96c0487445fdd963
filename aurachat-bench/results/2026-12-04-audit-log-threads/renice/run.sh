#!/usr/bin/env bash
cd /work/main
for i in 1 2 3 4; do
  for mode in off nice19; do
    if [ $mode = off ]; then pat=nomatch-; else pat=aurachat-log-; fi
    /tmp/renicer.sh $pat 19 > /tmp/exp1/renice-$mode-$i.log 2>&1 &
    rp=$!
    BENCH_SKIP_BUILD=1 BENCH_TARGETS=shipped BENCH_WORKLOADS=direct-100 BENCH_RESULTS_DIR=/tmp/exp1/$mode-$i aurachat-bench/run-bench.sh > /tmp/exp1/$mode-$i.out 2>&1
    kill $rp
  done
done
