#!/usr/bin/env bash
for i in 1 2 3; do
  for b in new base; do
    if [ $b = base ]; then T=/tmp/wt-base; else T=/work/main; fi
    BENCH_SKIP_BUILD=1 BENCH_TARGETS="shipped" BENCH_WORKLOADS="direct-100" BENCH_RESULTS_DIR=/tmp/exp14/$b-$i $T/aurachat-bench/run-bench.sh > /tmp/exp14/$b-$i.out 2>&1
  done
done
