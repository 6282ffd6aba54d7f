#!/usr/bin/env bash
# Runs the image in target/jib-image.tar without a container engine: its layers are unpacked into a
# root filesystem, and its own entrypoint starts there (chroot, as its user, with /proc) on an embedded
# database; the check passes when /actuator/health answers UP. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
root=$work/rootfs
mkdir -p "$root"
tar -xf target/jib-image.tar -C "$work"
python3 - "$work" > "$work/layers" <<'PY'
import json, sys
work = sys.argv[1]
manifest = json.load(open(f"{work}/manifest.json"))[0]
print("\n".join(manifest["Layers"]))
config = json.load(open(f"{work}/{manifest['Config']}"))["config"]
open(f"{work}/entrypoint", "w").write("\0".join(config["Entrypoint"]))
open(f"{work}/user", "w").write(config.get("User", "0"))
PY
while read -r layer; do tar -xzf "$work/$layer" -C "$root" 2>/dev/null || tar -xf "$work/$layer" -C "$root"; done < "$work/layers"
mkdir -p "$root/proc" "$root/tmp" && chmod 1777 "$root/tmp"
mount -t proc proc "$root/proc"
port=18095
cleanup() { kill "$pid" 2>/dev/null || true; sleep 1; umount "$root/proc" 2>/dev/null || true; rm -rf "$work"; }
mapfile -d '' -t entrypoint < "$work/entrypoint"
chroot --userspec="$(cat "$work/user")" "$root" /usr/bin/env -i HOME=/tmp PATH=/opt/java/bin:/usr/bin:/bin \
  PORT=$port DB_URL="jdbc:h2:file:/tmp/attune;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE" "${entrypoint[@]}" > "$work.log" 2>&1 &
pid=$!
trap cleanup EXIT
for _ in $(seq 1 90); do
  if curl -fsS "http://127.0.0.1:$port/actuator/health" 2>/dev/null | grep -q '"UP"'; then
    echo "image OK: the server in target/jib-image.tar answered UP on /actuator/health"
    exit 0
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
echo "image FAILED to start; its log:" >&2
cat "$work.log" >&2
exit 1
