#!/usr/bin/env bash
# Runs the AuraChat / Redis pub/sub comparison on this machine (docs/performance.md): builds, then for every
# workload starts each target fresh on 127.0.0.1, runs the generator against it and stops it, and writes
# aurachat-bench/results/<date>.jsonl (one JSON line per run) and <date>.md (a table with a column per target and
# each AuraChat column's ratio to Redis, then CPU per run). The targets, in every workload's turn:
#
#   shipped  the reference server as shipped: util/config.json, the XML audit log on (a fresh temp file per server),
#            SLF4J at its shipped level, and the JVM options of the Maven property aurachat.server.jvmOptions
#            (aurachat-examples/pom.xml, else the root pom) that the README's command and the start script use;
#            but --no-discovery (the responder would join multicast groups on the real interfaces) and the
#            overrides a benchmark needs (--bind 127.0.0.1 --port 0 --idle-timeout 0 --max-clients)
#   nolog    shipped with --no-audit-log (all else the same): with shipped in the same run, the report's table "What
#            the audit log costs" (issue 13's at most 10%); not in the default list
#   engine   the routing engine alone: built-in defaults, --no-audit-log, the events logger at WARN, the JVM's
#            default options (SERVER_JAVA_OPTS only); "aurachat" is another name for it
#   redis    redis-server from Debian, persistence off, maxclients raised
#
# Everything is configurable through the environment:
#
#   BENCH_WORKLOADS     which runs, in order (default: "direct-100 direct-1000 fanout-100 fanout-1000 latency flood idle";
#                       direct-N and fanout-N take any N; idle's clients set a name, idle-unnamed's do not)
#   BENCH_TARGETS       which targets, in order (default: "shipped engine redis")
#   BENCH_REPEAT        rounds of all workloads; the table shows medians and the median per-round ratio (1)
#   BENCH_WINDOW        messages in flight per sender, direct and fan-out (16)
#   BENCH_RATE          offered msg/s of the latency and flood workloads (20000)
#   BENCH_LATENCY_CLIENTS  clients of the latency and flood workloads, besides flood's flooder (100)
#   BENCH_FLOOD_WINDOW  flood: messages the flooder keeps in flight (1024)
#   BENCH_IDLE          idle connections (10000)
#   BENCH_WARMUP / BENCH_DURATION  seconds of warm-up and of measuring per run (3 / 10)
#   BENCH_SETTLE        idle: seconds the server must stay quiet before each memory reading (3)
#   BENCH_IDLE_TIMEOUT  idle: the longest wait for the server to go quiet, or for progress while connecting (180)
#   BENCH_THREADS       generator event-loop threads (1)
#   BENCH_TLS           0: plain connections (default); 1: every generator connection does TLS 1.3 (the AuraChat
#                       targets' TLS port, Redis started with tls-port only); both: every target over TLS and then
#                       plain, one after the other in each workload's turn, for the cost of TLS. Both servers get the
#                       same self-signed ECDSA P-256 certificate, made with openssl in the work directory
#   BENCH_TLS_CIPHER_SUITES  TLS: the only suites the generator offers, comma-separated (e.g. TLS_AES_128_GCM_SHA256),
#                       which pins every server's choice; default the JDK's list (the report says what was agreed)
#   BENCH_SKIP_BUILD=1  use the jars already in aurachat-bench/target
#   BENCH_RESULTS_DIR   where results go (aurachat-bench/results)
#   SERVER_JAVA_OPTS    JVM options of both AuraChat targets, after the shipped ones for shipped; default none
#   SERVER_ARGS         extra options of both AuraChat targets, e.g. "--io-threads 1"
#   GENERATOR_JAVA_OPTS JVM options of the generator; default none
#   JAVA_HOME           a JDK 21+ to use; otherwise the newest 21+ under /usr/lib/jvm
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH="$ROOT/aurachat-bench"

WORKLOADS=${BENCH_WORKLOADS:-"direct-100 direct-1000 fanout-100 fanout-1000 latency flood idle"}
WINDOW=${BENCH_WINDOW:-16}
REPEAT=${BENCH_REPEAT:-1}
RATE=${BENCH_RATE:-20000}
LATENCY_CLIENTS=${BENCH_LATENCY_CLIENTS:-100}
FLOOD_WINDOW=${BENCH_FLOOD_WINDOW:-1024}
IDLE=${BENCH_IDLE:-10000}
WARMUP=${BENCH_WARMUP:-3}
DURATION=${BENCH_DURATION:-10}
SETTLE=${BENCH_SETTLE:-3}
IDLE_TIMEOUT=${BENCH_IDLE_TIMEOUT:-180}
THREADS=${BENCH_THREADS:-1}
case "${BENCH_TLS:-0}" in
    0 | no | off | "") MODES=plain ;;
    1 | yes | on) MODES=tls ;;
    both) MODES="tls plain" ;;
    *) echo "run-bench: BENCH_TLS must be 0, 1 or both: ${BENCH_TLS}" >&2; exit 2 ;;
esac
TLS_CIPHER_SUITES=${BENCH_TLS_CIPHER_SUITES:-}
TARGETS=""
REQUESTED_TARGETS=${BENCH_TARGETS:-"shipped engine redis"}
for t in $REQUESTED_TARGETS; do
    case "$t" in
        shipped | nolog | engine | redis) ;;
        aurachat) t=engine ;; # its old name: the routing engine, audit log off
        *) echo "run-bench: unknown target $t (shipped, nolog, engine, redis)" >&2; exit 2 ;;
    esac
    [[ " $TARGETS " == *" $t "* ]] || TARGETS="${TARGETS:+$TARGETS }$t"
done
if [[ -n "${BENCH_AUDIT_LOG:-}" ]]; then
    echo "run-bench: BENCH_AUDIT_LOG is gone: the shipped target (in BENCH_TARGETS, the default) has the audit log on," \
        "the engine target has it off, in the same run" >&2
    exit 2
fi
RESULTS_DIR=${BENCH_RESULTS_DIR:-$BENCH/results}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:-}
GENERATOR_JAVA_OPTS=${GENERATOR_JAVA_OPTS:-}
MAX_CLIENTS=$((IDLE + 2000))

log() { printf '[run-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- processes we start, stopped on any exit
SERVER_PID=""
WORK_DIR=$(mktemp -d -t aurachat-bench.XXXXXX)
echo "{}" >"$WORK_DIR/defaults.json"
stop_server() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}
cleanup() {
    stop_server
    rm -rf "$WORK_DIR"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# ---------------------------------------------------------------- file descriptors: 10,000 idle connections need 10,000 in each process
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE=$(ulimit -n)
if [[ "$NOFILE" != unlimited && "$NOFILE" -lt $((IDLE + 500)) ]]; then
    log "warning: ulimit -n is $NOFILE, below the $((IDLE + 500)) the idle workload needs"
fi

# ---------------------------------------------------------------- a JDK 21+
. "$BENCH/find-jdk.sh"

# ---------------------------------------------------------------- redis-server, from Debian
if [[ " $TARGETS " == *" redis "* ]] && ! command -v redis-server >/dev/null; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        log "installing redis-server from Debian"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server >/dev/null \
            || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server >/dev/null; } \
            || die "cannot install redis-server"
    else
        die "redis-server is not installed (apt-get install redis-server)"
    fi
fi
# ---------------------------------------------------------------- TLS: one certificate for every server
if [[ " $MODES " == *" tls "* ]]; then
    if ! command -v openssl >/dev/null; then
        [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null || die "openssl is not installed (apt-get install openssl)"
        log "installing openssl from Debian"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssl >/dev/null \
            || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssl >/dev/null; } \
            || die "cannot install openssl"
    fi
    # What the reference server makes on its first start (an ECDSA P-256 key, self-signed), made here so that Redis
    # presents the very same certificate: the handshakes cost the same, and the AuraChat targets load it.
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 -subj /CN=localhost \
        -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$WORK_DIR/server.key" -out "$WORK_DIR/server.crt" \
        >/dev/null 2>&1 || die "openssl could not make the benchmark's certificate"
fi
REDIS_VERSION=""
command -v redis-server >/dev/null && REDIS_VERSION=$(redis-server --version | sed -n 's/.* v=\([0-9.]*\).*/\1/p')

# ---------------------------------------------------------------- build
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    log "building (mvn -q -B package -DskipTests)"
    mvn -q -B package -DskipTests
fi
GENERATOR_CP="$(ls "$BENCH"/target/aurachat-bench-*.jar | head -1):$BENCH/target/lib/generator/*"
SERVER_CP="$BENCH/target/lib/server/*"
[[ -f "${GENERATOR_CP%%:*}" ]] || die "no generator jar; build first"

# ---------------------------------------------------------------- the shipped server's JVM options
# From the POM property that the README's server command and the distribution's start script apply, read with an
# XML parser (the generator's pom-property command): aurachat-examples/pom.xml first, then the root pom.
SHIPPED_POM_OPTS=""
if [[ " $TARGETS " == *" shipped "* || " $TARGETS " == *" nolog "* ]]; then
    # shellcheck disable=SC2086
    SHIPPED_POM_OPTS=$("$JAVA" $GENERATOR_JAVA_OPTS -cp "$GENERATOR_CP" io.aurachat.bench.BenchMain pom-property \
            aurachat.server.jvmOptions "$ROOT/aurachat-examples/pom.xml" "$ROOT/pom.xml") \
        || die "cannot read the shipped server's JVM options (aurachat.server.jvmOptions) from the POMs"
fi
SHIPPED_JAVA_OPTS="$SHIPPED_POM_OPTS${SERVER_JAVA_OPTS:+ $SERVER_JAVA_OPTS}"
ENGINE_JAVA_OPTS="$SERVER_JAVA_OPTS"

# ---------------------------------------------------------------- servers
free_port() { # a port on 127.0.0.1 that nobody listens on right now
    local p
    for _ in $(seq 1 50); do
        p=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
    done
    die "no free port found"
}

SERVER_PORT=""
TLS_PORT=""
# What both AuraChat targets need to be measured here: loopback only, a free port, no idle timeout (idle clients
# send nothing after their name), room for the idle connections, no rate limit (the generator's clients send
# thousands of lines a second each, which the limit would slow to 100: throughput would measure the limit), and no
# discovery: the responder would join its multicast groups on every interface, and membership reports must not leave
# this machine. The per-address limit is off too ("The benchmark turns them off": its clients all come from
# 127.0.0.1), and the TLS port (on as shipped) takes any free port, its certificate made in the work directory.
COMMON_ARGS="--bind 127.0.0.1 --port 0 --idle-timeout 0 --max-clients $MAX_CLIENTS --rate-limit off --no-discovery --max-connections-per-address 0 --tls-port 0 --tls-certificate $WORK_DIR/server.crt --tls-key $WORK_DIR/server.key --accounts-file $WORK_DIR/accounts.db"
# shipped: util/config.json as the README's command reads it (from the repository root), the XML audit log in a
# fresh file of the work directory, SLF4J at its shipped level (INFO: a line per connect and disconnect).
SHIPPED_CONFIG="util/config.json"
[[ -f "$ROOT/$SHIPPED_CONFIG" ]] || SHIPPED_CONFIG="(none: built-in defaults)"
SHIPPED_ARGS="$COMMON_ARGS --log-file $WORK_DIR/audit.xml --history-file $WORK_DIR/history.db"
# nolog: shipped in every respect but the audit log
NOLOG_ARGS="$COMMON_ARGS --no-audit-log --history-file $WORK_DIR/history.db"
# engine: the built-in defaults whatever util/config.json says, no audit log and no history (the routing engine is
# measured, as Redis, which logs and keeps no message either), the events logger at WARN (no per-connection lines; messages are TRACE).
ENGINE_ARGS="--config $WORK_DIR/defaults.json $COMMON_ARGS --no-audit-log --history none"
ENGINE_LOGGING="-Dorg.slf4j.simpleLogger.log.io.aurachat.events=warn"
start_aurachat() { # shipped, nolog or engine
    local setup=$1 out="$WORK_DIR/$1-server.log"
    rm -f "$WORK_DIR"/audit*.xml "$WORK_DIR"/history.db*
    : >"$out" # before the server's shell opens it: the port is read from it at once
    if [[ "$setup" == shipped || "$setup" == nolog ]]; then
        local args=$SHIPPED_ARGS
        [[ "$setup" == nolog ]] && args=$NOLOG_ARGS
        # shellcheck disable=SC2086
        "$JAVA" $SHIPPED_JAVA_OPTS -cp "$SERVER_CP" io.aurachat.examples.ServerMain \
            $args ${SERVER_ARGS:-} >"$out" 2>&1 &
    else
        # shellcheck disable=SC2086
        "$JAVA" $ENGINE_JAVA_OPTS $ENGINE_LOGGING -cp "$SERVER_CP" io.aurachat.examples.ServerMain \
            $ENGINE_ARGS ${SERVER_ARGS:-} >"$out" 2>&1 &
    fi
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        # The banner's "  Listening on:  127.0.0.1:PORT (TCP, ...)" and "  TLS:           127.0.0.1:PORT, certificate
        # SHA256 ..." lines.
        SERVER_PORT=$(sed -n 's/^  Listening on: *[^ ]*:\([0-9]*\) (TCP.*/\1/p' "$out" | head -1)
        TLS_PORT=$(sed -n 's/^  TLS: *[^ ]*:\([0-9]*\), certificate.*/\1/p' "$out" | head -1)
        [[ -n "$SERVER_PORT" && -n "$TLS_PORT" ]] && return
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$out" >&2; die "the AuraChat server ($setup) did not start"; }
        sleep 0.1
    done
    die "the AuraChat server ($setup) did not say its port within 30 s"
}

start_redis() { # plain or tls: with tls, its only port is the TLS one (SERVER_PORT)
    local mode=$1 out="$WORK_DIR/redis.log" ports
    for _ in 1 2 3 4 5; do
        SERVER_PORT=$(free_port)
        ports=(--port "$SERVER_PORT")
        if [[ "$mode" == tls ]]; then
            ports=(--port 0 --tls-port "$SERVER_PORT" --tls-cert-file "$WORK_DIR/server.crt" --tls-key-file "$WORK_DIR/server.key"
                --tls-ca-cert-file "$WORK_DIR/server.crt" --tls-auth-clients no)
        fi
        redis-server --bind 127.0.0.1 "${ports[@]}" --protected-mode yes --save "" --appendonly no \
            --maxclients "$MAX_CLIENTS" --daemonize no --logfile "" >"$out" 2>&1 &
        SERVER_PID=$!
        for _ in $(seq 1 100); do
            if (exec 3<>"/dev/tcp/127.0.0.1/$SERVER_PORT") 2>/dev/null; then return; fi
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        stop_server
    done
    cat "$out" >&2
    die "redis-server did not start"
}

# ---------------------------------------------------------------- runs
DATE=$(date +%Y-%m-%d)
mkdir -p "$RESULTS_DIR"
JSONL="$RESULTS_DIR/$DATE.jsonl"
MD="$RESULTS_DIR/$DATE.md"
: >"$JSONL"
FAILED=0
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

run_one() { # target (shipped, nolog, engine, redis), mode (plain, tls), then generator options
    local target=$1 mode=$2 protocol label server_log setup=$1 port tls_args=()
    shift 2
    case "$target" in
        shipped) protocol=aurachat; label="AuraChat as shipped on JDK $JDK_VERSION" ;;
        nolog) protocol=aurachat; setup=shipped-nolog; label="AuraChat as shipped, --no-audit-log, on JDK $JDK_VERSION" ;;
        engine) protocol=aurachat; label="AuraChat engine on JDK $JDK_VERSION" ;;
        redis) protocol=redis; label="Redis $REDIS_VERSION" ;;
    esac
    if [[ "$protocol" == aurachat ]]; then
        start_aurachat "$target"; server_log="$WORK_DIR/$target-server.log"
    else
        start_redis "$mode"; server_log="$WORK_DIR/redis.log"
    fi
    port=$SERVER_PORT
    if [[ "$mode" == tls ]]; then
        setup="$setup-tls"
        [[ "$protocol" == aurachat ]] && port=$TLS_PORT
        tls_args=(--tls)
        [[ -n "$TLS_CIPHER_SUITES" ]] && tls_args+=(--tls-cipher-suites "$TLS_CIPHER_SUITES")
    fi
    log "$setup on port $port (pid $SERVER_PID): $*"
    # shellcheck disable=SC2086
    if ! "$JAVA" $GENERATOR_JAVA_OPTS -cp "$GENERATOR_CP" io.aurachat.bench.BenchMain run \
            --target "$protocol" --setup "$setup" --port "$port" --pid "$SERVER_PID" --label "$label" "${tls_args[@]}" \
            --threads "$THREADS" --warmup "$WARMUP" --duration "$DURATION" --settle "$SETTLE" --out "$JSONL" "$@" \
            | grep -v '^{'; then
        FAILED=1
        cp "$server_log" "$RESULTS_DIR/$DATE-$setup-$(printf '%s' "$*" | tr -c 'a-z0-9-' '_').server.log"
        log "$setup: the run FAILED its checks (see above); server output kept in $RESULTS_DIR/$DATE-$setup-*.server.log"
    fi
    stop_server
    rm -f "$WORK_DIR"/audit*.xml "$WORK_DIR"/history.db* # a flood's audit log is large
}

log "JDK: $JAVA ($JDK_VERSION); Redis: ${REDIS_VERSION:-none}; targets: $TARGETS; connections: $MODES; generator threads: $THREADS"
[[ " $TARGETS " == *" shipped "* ]] && log "shipped: JVM options '$SHIPPED_JAVA_OPTS'; $SHIPPED_ARGS${SERVER_ARGS:+ $SERVER_ARGS}"
[[ " $TARGETS " == *" nolog "* ]] && log "nolog: JVM options '$SHIPPED_JAVA_OPTS'; $NOLOG_ARGS${SERVER_ARGS:+ $SERVER_ARGS}"
[[ " $TARGETS " == *" engine "* ]] && log "engine: JVM options '$ENGINE_JAVA_OPTS'; $ENGINE_ARGS${SERVER_ARGS:+ $SERVER_ARGS}"
for round in $(seq 1 "$REPEAT"); do
    [[ "$REPEAT" -gt 1 ]] && log "round $round of $REPEAT"
    for w in $WORKLOADS; do
        case "$w" in
            direct-*) args=(--workload direct --clients "${w#direct-}" --window "$WINDOW") ;;
            fanout-*) args=(--workload fanout --clients "${w#fanout-}" --window "$WINDOW") ;;
            latency) args=(--workload latency --clients "$LATENCY_CLIENTS" --rate "$RATE") ;;
            flood) args=(--workload flood --clients "$LATENCY_CLIENTS" --rate "$RATE" --flood-window "$FLOOD_WINDOW") ;;
            idle | idle-unnamed) args=(--workload "$w" --clients "$IDLE" --timeout "$IDLE_TIMEOUT") ;;
            *) die "unknown workload $w" ;;
        esac
        for t in $TARGETS; do
            for mode in $MODES; do # over TLS and plain one after the other: the cost of TLS, under the same load
                run_one "$t" "$mode" "${args[@]}"
            done
        done
    done
done

# ---------------------------------------------------------------- report
{
    echo "# AuraChat vs Redis pub/sub, $DATE"
    echo
    echo "- Command: \`aurachat-bench/run-bench.sh\` ($REPEAT round(s); targets: $TARGETS; workloads: $WORKLOADS; window $WINDOW; latency $RATE msg/s among $LATENCY_CLIENTS clients; flood window $FLOOD_WINDOW; idle $IDLE connections, quiet for ${SETTLE} s before each reading; warm-up ${WARMUP} s, measured ${DURATION} s)"
    echo "- Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), Linux $(uname -r)"
    echo "- JDK: $JDK_VERSION ($JDK); SERVER_JAVA_OPTS='$SERVER_JAVA_OPTS'; SERVER_ARGS='${SERVER_ARGS:-}'"
    for t in $TARGETS; do
        case "$t" in
            shipped) echo "- **shipped** (AuraChat as shipped): JVM options \`$SHIPPED_JAVA_OPTS\` (\`aurachat.server.jvmOptions\` from the POM, then SERVER_JAVA_OPTS); config $SHIPPED_CONFIG; XML audit log on (a fresh file per server); SQLite history on (a fresh file per server); SLF4J as shipped (INFO); \`${SHIPPED_ARGS/$WORK_DIR/<tmp>}${SERVER_ARGS:+ $SERVER_ARGS}\`. Discovery is off (\`--no-discovery\`): its responder would join multicast groups on the machine's real interfaces, which a benchmark here must not do" ;;
            nolog) echo "- **nolog** (setup shipped-nolog: AuraChat as shipped with \`--no-audit-log\`): the shipped JVM options, config and history; no audit log; \`${NOLOG_ARGS/$WORK_DIR/<tmp>}${SERVER_ARGS:+ $SERVER_ARGS}\`" ;;
            engine) echo "- **engine** (AuraChat, routing engine only): JVM options \`${ENGINE_JAVA_OPTS:-none}\` (SERVER_JAVA_OPTS only, else the JVM's defaults); built-in defaults; no audit log; no history; events logger at WARN; \`${ENGINE_ARGS/$WORK_DIR/<tmp>}${SERVER_ARGS:+ $SERVER_ARGS}\`" ;;
            redis) echo "- **redis**: Redis $REDIS_VERSION (RESP3, persistence off, maxclients $MAX_CLIENTS); the idle workload's clients name themselves with CLIENT SETNAME" ;;
        esac
    done
    if [[ " $MODES " == *" tls "* ]]; then
        suites=${TLS_CIPHER_SUITES:-"the JDK's defaults"}
        order=""
        [[ "$MODES" == "tls plain" ]] && order="; each target over TLS and then plain, one after the other"
        echo "- **TLS** (BENCH_TLS=${BENCH_TLS}): every generator connection does TLS 1.3 with the JDK's SSLEngine in the generator's own event loop, for every target alike (the AuraChat targets' TLS port; Redis with \`--port 0 --tls-port P --tls-auth-clients no\`); both servers present the same self-signed ECDSA P-256 certificate (openssl, made for the run); cipher suites offered: $suites (the suite each target agreed on is under the TLS table)$order"
    fi
    echo "- Generator: $THREADS event-loop thread(s), same JVM and code for every target; each run against a freshly started server"
    echo "- Load average before / after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared; other work skews figures)"
    echo
    # shellcheck disable=SC2086
    "$JAVA" $GENERATOR_JAVA_OPTS -cp "$GENERATOR_CP" io.aurachat.bench.BenchMain report "$JSONL"
} >"$MD"
echo
cat "$MD"
log "results: $JSONL and $MD"
exit "$FAILED"
