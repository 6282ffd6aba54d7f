#!/usr/bin/env bash
# Overload sweep of write admission (docs/benchmarks.md "Write admission from a latency target"): for each
# clients × studies cell, every configuration in turn (so that they see the same machine load), each on a
# freshly created PostgreSQL database and a fresh server.
# usage: scripts/overload-sweep.sh JAR OUT "CONFIGS" "CELLS"
#   CONFIGS: name=server-args;... e.g. "old=--attune.write-queue-target-ms=0;t250=--attune.write-queue-target-ms=250"
#   CELLS:   clients:studies ... e.g. "64:1 256:16"
# env: JAVA, PORT (19201), DB (attune_admission), PGHOST
set -u
JAVA=${JAVA:-java}; JAR=$1; OUT=$2; CONFIGS=$3; CELLS=$4
PORT=${PORT:-19201}; URL=http://127.0.0.1:$PORT; DB=${DB:-attune_admission}; PGHOST=${PGHOST:-127.0.0.1}
IFS=';' read -ra configs <<< "$CONFIGS"
for cell in $CELLS; do
  C=${cell%%:*}; S=${cell##*:}
  for config in "${configs[@]}"; do
    name=${config%%=*}; args=${config#*=}
    psql -q -h "$PGHOST" -U postgres -c "drop database if exists $DB" -c "create database $DB" >/dev/null
    DB_URL=jdbc:postgresql://$PGHOST:5432/$DB DB_USER=postgres PORT=$PORT \
      nice -n 10 "$JAVA" -Xmx1g -jar "$JAR" $args > "$OUT.server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 120); do curl -sf "$URL/actuator/health" >/dev/null && break; sleep 1; done
    load=$(cut -d' ' -f1 /proc/loadavg)
    echo "== $name clients=$C studies=$S load=$load args=$args" | tee -a "$OUT"
    nice -n 10 "$JAVA" -jar "$JAR" bench load --url "$URL" --clients "$C" --studies "$S" \
      --trials $((4 * C)) --warmup "$C" 2>&1 | tail -7 | tee -a "$OUT"
    curl -s "$URL/actuator/prometheus" | grep -E '^attune_writes_refused_total' | tee -a "$OUT"
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT"
    kill "$server"; wait "$server" 2>/dev/null
  done
done
