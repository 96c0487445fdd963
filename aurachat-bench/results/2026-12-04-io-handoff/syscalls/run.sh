#!/usr/bin/env bash
cd /work/main
J="-Xms64m -Xmx1g -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
mkdir -p /tmp/exp5
for i in 1 2; do
for w in direct-100 direct-1000; do
for cfg in io2-off io2-on io1-on; do
  case $cfg in io2-off) a="--io-threads 2"; o="$J -Daurachat.io.handOff=false";; io2-on) a="--io-threads 2"; o="$J";; io1-on) a="--io-threads 1"; o="$J";; esac
  SERVER_ARGS="$a" SERVER_JAVA_OPTS="$o" BENCH_SKIP_BUILD=1 BENCH_TARGETS=engine BENCH_WORKLOADS="$w" BENCH_RESULTS_DIR=/tmp/exp5/$w-$cfg-$i aurachat-bench/run-bench.sh > /tmp/exp5/$w-$cfg-$i.out 2>&1 &
  b=$!
  pid=""
  for t in $(seq 1 100); do pid=$(pgrep -f io.aurachat.examples.ServerMain | head -1); [ -n "$pid" ] && break; sleep 0.2; done
  sleep 6
  perf stat -x, -e 'syscalls:sys_enter_write,syscalls:sys_enter_read,syscalls:sys_enter_epoll_wait,context-switches,task-clock' -p $pid -- sleep 5 > /tmp/exp5/perf-$w-$cfg-$i.txt 2>&1
  wait $b
done; done; done
