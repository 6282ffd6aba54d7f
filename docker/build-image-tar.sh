#!/usr/bin/env bash
# Builds Attune's OCI image as a tarball without a Docker daemon or a container registry:
#   1. a base image from Debian's packages (debootstrap minbase) plus the JDK >= 21 found on this machine,
#      written as a docker-archive tarball (target/image/base.tar);
#   2. Jib's buildTar on top of it (target/jib-image.tar), loadable with `docker load -i`.
# Needs root (debootstrap) and the machine's Debian package mirror; nothing else is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/image
rootfs=$out/rootfs
mkdir -p "$out"

java_home=""
for j in /usr/lib/jvm/*/bin/java; do
  if "$j" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then java_home=$(dirname "$(dirname "$j")"); fi
done
[ -n "$java_home" ] || { echo "no JDK >= 21 under /usr/lib/jvm" >&2; exit 1; }

if [ ! -x "$rootfs/bin/sh" ]; then
  command -v debootstrap >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -yq debootstrap; }
  # The machine's own Debian mirror, read from its apt configuration (never written into the repository).
  mirror=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n 1)
  [ -n "$mirror" ] || mirror=$(grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | head -n 1)
  rm -rf "$rootfs"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
fi
rm -rf "$rootfs/opt/java"
mkdir -p "$rootfs/opt"
cp -a "$java_home" "$rootfs/opt/java"
rm -rf "$rootfs/opt/java/jmods" "$rootfs/opt/java/man" "$rootfs/opt/java/lib/src.zip"
# A system user for the server; files stay owned by root.
grep -q '^attune:' "$rootfs/etc/passwd" || chroot "$rootfs" useradd --system --uid 10001 --home-dir /app attune
# The JVM starts inside the image's filesystem (with /proc, as in a container): the base is complete.
mount -t proc proc "$rootfs/proc"
trap 'umount "$rootfs/proc" 2>/dev/null || true' EXIT
chroot "$rootfs" /opt/java/bin/java -version
umount "$rootfs/proc"

# docker-archive format: one layer, an image config, a manifest.
layer=$out/layer.tar
tar --numeric-owner -C "$rootfs" -cf "$layer" .
diff_id=$(sha256sum "$layer" | cut -d' ' -f1)
cat > "$out/config.json" <<JSON
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/opt/java"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]}}
JSON
cat > "$out/manifest.json" <<JSON
[{"Config":"config.json","RepoTags":["attune-base:local"],"Layers":["layer.tar"]}]
JSON
tar -C "$out" -cf "$out/base.tar" manifest.json config.json layer.tar
rm -f "$layer"

mvn -B -q -Dimage.base="tar://$(pwd)/$out/base.tar" jib:buildTar
ls -l target/jib-image.tar
