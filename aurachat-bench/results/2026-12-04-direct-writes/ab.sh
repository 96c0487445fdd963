#!/usr/bin/env bash
# A/B of the XML log's direct writes: the build before (BASE, a worktree of e337306, for every run here)
# and after (NEW, this tree), alternating, one round each, order reversed every pair. Settings by environment:
#   ROUNDS (1 2 3), TARGETS ("shipped nolog"), WORKLOADS ("direct-100 direct-1000 fanout-100"), OUT (this directory).
# Used as:   ./ab.sh
#            ROUNDS="1 2" TARGETS=shipped WORKLOADS="direct-100 direct-1000" OUT=final-check ./ab.sh
#            TARGETS=shipped WORKLOADS=latency OUT=latency-ab ./ab.sh
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
BASE=${BASE:-/tmp/wt-probe}; NEW=${NEW:-/work/main}; OUT=$(cd "$HERE" && mkdir -p "${OUT:-.}" && cd "${OUT:-.}" && pwd)
for r in ${ROUNDS:-1 2 3}; do
  order="base new"; [ $((r % 2)) = 0 ] && order="new base"
  for which in $order; do
    tree=$BASE; [ $which = new ] && tree=$NEW
    (cd "$tree" && BENCH_SKIP_BUILD=1 BENCH_REPEAT=1 BENCH_TARGETS="${TARGETS:-shipped nolog}" \
      BENCH_WORKLOADS="${WORKLOADS:-direct-100 direct-1000 fanout-100}" BENCH_RESULTS_DIR="$OUT/ab-$which-$r" \
      aurachat-bench/run-bench.sh >"$OUT/ab-$which-$r.log" 2>&1)
  done
done
