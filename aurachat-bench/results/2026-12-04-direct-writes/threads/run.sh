#!/usr/bin/env bash
# The log thread's CPU, user and system, before (BASE) and after (NEW) direct writes: the shipped server under the
# direct-100 workload, 5 s of its measuring window, utime/stime from /proc/PID/task/TID/stat and perf stat per thread.
OUT=$(cd "$(dirname "$0")" && pwd); BASE=${BASE:-/tmp/wt-probe}; NEW=${NEW:-/work/main}
cpu() { head -1 /proc/stat; grep -h 'kworker\|flush' /dev/null; }
snap() { for t in /proc/$1/task/*; do echo "$(cat $t/comm) $(awk '{print $14, $15}' $t/stat)"; done; }
for i in ${ROUNDS:-1 2}; do
  for which in base new; do
    tree=$BASE; [ $which = new ] && tree=$NEW
    (cd "$tree" && BENCH_SKIP_BUILD=1 BENCH_TARGETS=shipped BENCH_WORKLOADS="direct-100" BENCH_RESULTS_DIR=$OUT/$which-$i aurachat-bench/run-bench.sh > $OUT/$which-$i.out 2>&1) &
    b=$!
    pid=""
    for t in $(seq 1 100); do pid=$(pgrep -f io.aurachat.examples.ServerMain | head -1); [ -n "$pid" ] && break; sleep 0.2; done
    sleep 6
    snap $pid > $OUT/stat0-$which-$i.txt; head -1 /proc/stat > $OUT/machine0-$which-$i.txt
    perf stat -x, --per-thread -e 'task-clock,raw_syscalls:sys_enter' -p $pid -- sleep 5 > $OUT/perf-$which-$i.txt 2>&1
    snap $pid > $OUT/stat1-$which-$i.txt; head -1 /proc/stat > $OUT/machine1-$which-$i.txt
    wait $b
  done
done
