#!/usr/bin/env bash
# Runs the JMH microbenchmarks of the line codec and the JSON encoder (docs/performance.md, "Microbenchmarks (JMH)"):
# builds, runs JMH on a JDK 21+, and writes aurachat-bench/results/<date>-jmh.json (JMH's JSON: every
# iteration of every fork), <date>-jmh.txt (JMH's console output) and <date>-jmh.md (the table: medians,
# Jackson / fast ratios, with the machine, the JDK and the load average). With JMH_REPEAT=N the suite runs N
# times (<date>-jmh-run1.json ...) and the table shows the medians of the runs. Arguments go to JMH:
#
#   aurachat-bench/run-jmh.sh                              the whole suite, about 4 minutes
#   aurachat-bench/run-jmh.sh WireMessageBench -f 1 -i 3   a regexp of benchmarks, 1 fork, 3 iterations
#   aurachat-bench/run-jmh.sh -prof gc                     with JMH's allocation profiler
#   aurachat-bench/run-jmh.sh -h                           JMH's options
#
# The environment:
#   JMH_REPEAT         runs of the suite (1); the table shows each figure's median over the runs
#   JMH_SKIP_BUILD=1   use the jars already in aurachat-bench/target
#   JMH_RESULTS_DIR    where results go (aurachat-bench/results)
#   JMH_NAME           the results' file name, without extension (<date>-jmh)
#   JMH_JAVA_OPTS      JVM options of JMH's own VM; the benchmark forks inherit them unless -jvmArgs is given
#   JAVA_HOME          a JDK 21+ to use; otherwise the newest 21+ under /usr/lib/jvm
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH="$ROOT/aurachat-bench"
DATE=$(date +%Y-%m-%d)
RESULTS_DIR=${JMH_RESULTS_DIR:-$BENCH/results}
NAME=${JMH_NAME:-$DATE-jmh}
REPEAT=${JMH_REPEAT:-1}
JMH_JAVA_OPTS=${JMH_JAVA_OPTS:-}

log() { printf '[run-jmh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- a JDK 21+ (as run-bench.sh finds it)
. "$BENCH/find-jdk.sh"
# JMH 1.37 reads fields through sun.misc.Unsafe, which JDK 24+ warns about in every fork (JEP 498). Allowing it
# changes nothing else; the forks inherit the option from JMH's VM.
if [[ "$(java_feature "$JDK")" -ge 24 ]] 2>/dev/null; then
    JMH_JAVA_OPTS="--sun-misc-unsafe-memory-access=allow${JMH_JAVA_OPTS:+ $JMH_JAVA_OPTS}"
fi

# ---------------------------------------------------------------- build
if [[ "${JMH_SKIP_BUILD:-0}" != 1 ]]; then
    log "building (mvn -q -B package -DskipTests)"
    mvn -q -B package -DskipTests
fi
JAR=$(ls "$BENCH"/target/aurachat-bench-*.jar 2>/dev/null | head -1 || true)
[[ -n "$JAR" && -d "$BENCH/target/lib/jmh" ]] || die "no aurachat-bench jar or target/lib/jmh; build first"
CP="$JAR:$BENCH/target/lib/jmh/*"

# ---------------------------------------------------------------- run
mkdir -p "$RESULTS_DIR"
TXT="$RESULTS_DIR/$NAME.txt"
MD="$RESULTS_DIR/$NAME.md"
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || die "JMH_REPEAT must be a positive number: $REPEAT"
: >"$TXT"
JSONS=()
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "JDK: $JAVA ($JDK_VERSION); JMH_JAVA_OPTS='$JMH_JAVA_OPTS'; JMH arguments: $*"
for run in $(seq 1 "$REPEAT"); do
    JSON="$RESULTS_DIR/$NAME.json"
    if [[ "$REPEAT" -gt 1 ]]; then
        JSON="$RESULTS_DIR/$NAME-run$run.json"
        log "run $run of $REPEAT"
    fi
    rm -f "$JSON"
    # shellcheck disable=SC2086
    "$JAVA" $JMH_JAVA_OPTS -cp "$CP" org.openjdk.jmh.Main -rf json -rff "$JSON" "$@" 2>&1 | tee -a "$TXT"
    if [[ -s "$JSON" ]]; then
        JSONS+=("$JSON")
    fi
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
if [[ ${#JSONS[@]} -eq 0 ]]; then
    log "JMH wrote no results (listing or help only?); console output in $TXT"
    exit 0
fi

# ---------------------------------------------------------------- report
{
    echo "# AuraChat microbenchmarks (JMH), $DATE"
    echo
    echo "- Command: \`${JMH_REPEAT:+JMH_REPEAT=$REPEAT }aurachat-bench/run-jmh.sh${*:+ $*}\`"
    echo "- Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), Linux $(uname -r)"
    echo "- JDK: $JDK_VERSION ($JDK); JMH_JAVA_OPTS='$JMH_JAVA_OPTS'"
    echo "- Load average before / after: $LOAD_BEFORE / $LOAD_AFTER (the machine is shared; other work skews figures)"
    echo "- ns/op is per line: per decoded line (LineDecoderBench), per encoded line (Wire*Bench)"
    echo
    "$JAVA" -cp "$JAR:$BENCH/target/lib/generator/*" io.aurachat.bench.BenchMain jmh-report "${JSONS[@]}"
} >"$MD"
echo
cat "$MD"
log "results: ${JSONS[*]}, $TXT and $MD"
