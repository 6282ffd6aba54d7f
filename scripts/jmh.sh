#!/usr/bin/env bash
# Runs JMH benchmarks from the test sources: scripts/jmh.sh [JMH arguments, e.g. AshaDecisionBenchmark]
set -euo pipefail
cd "$(dirname "$0")/.."
java=""
for j in /usr/lib/jvm/*/bin/java; do
  if "$j" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then java=$j; fi
done
[ -n "$java" ] || { echo "no JDK >= 21 under /usr/lib/jvm" >&2; exit 1; }
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
exec "$java" -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" org.openjdk.jmh.Main "$@"
