#!/usr/bin/env bash
for i in 1 2 3; do
  for b in base new; do
    if [ $b = base ]; then T=/tmp/wt-base; else T=/work/main; fi
    BENCH_SKIP_BUILD=1 BENCH_TARGETS="shipped engine" BENCH_WORKLOADS="direct-100 direct-1000" BENCH_RESULTS_DIR=/tmp/exp10/$b-$i $T/aurachat-bench/run-bench.sh > /tmp/exp10/$b-$i.out 2>&1
  done
done
