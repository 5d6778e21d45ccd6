# Sourced by the bench scripts: moves to the repository root, finds a JDK 25 (JAVA_HOME or
# /usr/lib/jvm), and builds the engine and the benchmarks unless SKIP_BUILD=1.
cd "$(dirname "${BASH_SOURCE[0]}")/.."

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1
}
if [[ -z "${JAVA_HOME:-}" || ! -x "${JAVA_HOME}/bin/java" || "$(java_major "$JAVA_HOME")" -lt 25 ]]; then
  JAVA_HOME=""
  for d in /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    if [[ -x "$d/bin/javac" && "$(java_major "$d")" -ge 25 ]]; then
      JAVA_HOME="$d"
      break
    fi
  done
  if [[ -z "$JAVA_HOME" ]]; then
    echo "$(basename "$0"): needs a JDK 25; set JAVA_HOME to one" >&2
    exit 1
  fi
  export JAVA_HOME
fi

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  ./mvnw -q -B -pl host -am install -DskipTests
  ./mvnw -q -B -pl bench package
fi
