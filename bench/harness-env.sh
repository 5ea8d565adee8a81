# Sourced by bench/kill-harness.sh and bench/soak.sh: --help from the caller's header, the build of the test
# classes (offline, at niceness NICE; NBA_PROPS_REBUILD=0 reuses the last build) and the classpath in CP, java in JAVA.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  set -- --help-usage
fi
CP_FILE="$ROOT/embedded/target/kill-harness.classpath"
if [[ ! -f "$CP_FILE" || "${NBA_PROPS_REBUILD:-1}" == "1" ]]; then
  echo "building (mvn test-compile, offline)..." >&2
  nice -n "${NICE:-19}" mvn -B -o -q -pl embedded -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/kill-harness.classpath -Dmdep.includeScope=test >&2
fi
JAVA="java"
[[ -n "${JAVA_HOME:-}" ]] && JAVA="$JAVA_HOME/bin/java"
CP="$ROOT/embedded/target/test-classes:$ROOT/embedded/target/classes:$(cat "$CP_FILE")"
