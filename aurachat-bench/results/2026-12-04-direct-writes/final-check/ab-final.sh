#!/usr/bin/env bash
# A/B of the XML log's direct writes: the build before (BASE, a worktree of e337306) and after (NEW, this tree),
# alternating, one round each, order reversed every pair; shipped and nolog in every run.
set -eu
BASE=${BASE:-/tmp/wt-probe}; NEW=${NEW:-/work/main}; OUT=$(cd "$(dirname "$0")" && pwd)
for r in 1 2; do
  order="base new"; [ $((r % 2)) = 0 ] && order="new base"
  for which in $order; do
    tree=$BASE; [ $which = new ] && tree=$NEW
    (cd "$tree" && BENCH_SKIP_BUILD=1 BENCH_REPEAT=1 BENCH_TARGETS="shipped" \
      BENCH_WORKLOADS="${WORKLOADS:-direct-100 direct-1000 fanout-100}" BENCH_RESULTS_DIR="$OUT/ab-$which-$r" \
      aurachat-bench/run-bench.sh >"$OUT/ab-$which-$r.log" 2>&1)
  done
done
