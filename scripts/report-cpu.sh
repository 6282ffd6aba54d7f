#!/usr/bin/env bash
# Server CPU per report, Attune against the baseline endpoint, on a freshly created PostgreSQL database:
# baseline and Attune alternating twice, then 8 Python client processes twice (docs/benchmarks.md).
# usage: scripts/report-cpu.sh JAR TAG   (JAVA, PORT, PGHOST may be set; TAG names the database)
set -u
JAVA=${JAVA:-java}
JAR=$1; TAG=$2; PORT=${PORT:-18901}; URL=http://127.0.0.1:$PORT
DB=attune_cpu_$TAG
here=$(cd "$(dirname "$0")/.." && pwd)
psql -q -h "${PGHOST:-127.0.0.1}" -U postgres -c "drop database if exists $DB" -c "create database $DB"
SPRING_PROFILES_ACTIVE=bench DB_URL=jdbc:postgresql://${PGHOST:-127.0.0.1}:5432/$DB DB_USER=postgres PORT=$PORT \
  "$JAVA" -Xmx1g -jar "$JAR" > "server-$TAG.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 1 120); do curl -sf "$URL/actuator/health" >/dev/null && break; sleep 1; done
for run in 1 2; do
  for mode in --baseline ""; do
    echo "== $TAG ${mode:-attune} run $run, load: $(cut -d' ' -f1-3 /proc/loadavg)"
    "$JAVA" -jar "$JAR" bench load --url "$URL" --clients 8 --trials 600 --warmup 1500 --reports 10 $mode 2>&1 | tail -6
  done
done
for run in 1 2; do
  echo "== $TAG 8 Python clients run $run, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/python3 "$here/scripts/python-load.py" --url "$URL" --clients 8 --seconds 30 --warmup 10 2>&1 | tail -1
done
