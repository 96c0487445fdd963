#!/usr/bin/env bash
cd /work/main
J="-Xms64m -Xmx1g -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
for i in 1 2 3; do
  for cfg in io2-off io2-on io1; do
    case $cfg in
      io2-off) args="--io-threads 2"; opts="$J -Daurachat.io.handOff=false";;
      io2-on) args="--io-threads 2"; opts="$J -Daurachat.io.handOff=true";;
      io1) args="--io-threads 1"; opts="$J";;
    esac
    SERVER_ARGS="$args" SERVER_JAVA_OPTS="$opts" BENCH_SKIP_BUILD=1 BENCH_TARGETS=engine BENCH_WORKLOADS="direct-100 direct-1000 fanout-100" BENCH_RESULTS_DIR=/tmp/exp4/$cfg-$i aurachat-bench/run-bench.sh > /tmp/exp4/$cfg-$i.out 2>&1
  done
done
