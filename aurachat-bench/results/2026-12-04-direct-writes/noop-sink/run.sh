#!/usr/bin/env bash
# What the log costs without its encoding: a probe build (0ac7f2c plus a system property that makes XmlLogSink.log
# return at once for message events) run as shipped with the property (the events are still made, queued and taken
# by the log thread), as shipped, and with --no-audit-log, in turn, three rounds, direct 100 and 1,000.
OUT=$(cd "$(dirname "$0")" && pwd); TREE=${TREE:-/tmp/wt-probe}
cd "$TREE"
for r in 1 2 3; do
  for cfg in noop shipped; do
    opt=""; [ $cfg = noop ] && opt="-Daurachat.probe.noop=true"
    SERVER_JAVA_OPTS="$opt" BENCH_SKIP_BUILD=1 BENCH_REPEAT=1 BENCH_TARGETS="shipped nolog" \
      BENCH_WORKLOADS="direct-100 direct-1000" BENCH_RESULTS_DIR=$OUT/$cfg-$r aurachat-bench/run-bench.sh > $OUT/$cfg-$r.log 2>&1
  done
done
