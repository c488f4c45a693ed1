#!/usr/bin/env bash
# Runs the ftcp command-line tool (module ftcp-cli). Builds its runnable jar first when the jar
# is missing or older than a pom or a main source file; needs Java 17+ and Maven.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$root/ftcp-cli/target/ftcp-cli.jar"

stale() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$root" \( -name target -o -name .git \) -prune -o \
      \( -name pom.xml -o -path '*/src/main/*' \) -type f -newer "$jar" -print -quit)" ]
}

if stale; then
  command -v mvn >/dev/null 2>&1 || { echo "ftcp: Maven (mvn) is needed to build the jar once" >&2; exit 1; }
  echo "ftcp: building ftcp-cli/target/ftcp-cli.jar with Maven (first run or changed sources)..." >&2
  # Maven's output goes to stderr, so that ftcp's own output stays clean for pipes; Maven 3.8
  # prints colour resets even when quiet, which sed removes.
  if ! (cd "$root" && mvn -B -q -Dstyle.color=never -pl ftcp-cli -am package -DskipTests 2>&1 \
      | sed 's/\x1b\[[0-9;]*m//g' 1>&2); then
    echo "ftcp: the build failed (Maven's messages are above)" >&2
    exit 1
  fi
  touch "$jar" # so an unchanged rebuild is not tried again
fi

exec java -jar "$jar" "$@"
