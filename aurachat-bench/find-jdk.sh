# Sourced by run-bench.sh and run-jmh.sh: finds a JDK 21+ (JAVA_HOME if it is one, else the newest in
# /usr/lib/jvm) and sets JDK, JAVA and JDK_VERSION; defines java_feature. The caller defines die.
java_feature() { # prints the feature version of the JDK at $1 (a JAVA_HOME), or nothing
    local v
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true)
    [[ -z "$v" && -x "$1/bin/java" ]] && v=$("$1/bin/java" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')
    echo "$v"
}
JDK=""
if [[ -n "${JAVA_HOME:-}" && "$(java_feature "$JAVA_HOME")" -ge 21 ]] 2>/dev/null; then
    JDK=$JAVA_HOME
else
    best=0
    for d in /usr/lib/jvm/*/; do
        d=${d%/}
        f=$(java_feature "$d")
        if [[ -n "$f" && -x "$d/bin/java" && "$f" -ge 21 && "$f" -gt "$best" ]]; then best=$f; JDK=$d; fi
    done
fi
[[ -n "$JDK" ]] || die "no JDK 21+ found (set JAVA_HOME)"
JAVA="$JDK/bin/java"
JDK_VERSION=$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$JDK/release" 2>/dev/null || true)
[[ -n "$JDK_VERSION" ]] || JDK_VERSION=$("$JAVA" -version 2>&1 | head -1)
