#!/bin/sh
# Builds the container image's base from Debian 12 packages, without a container registry or a Docker engine:
# apt-get download fetches Debian's signed packages (glibc, zlib, libstdc++, OpenJDK 17 headless, busybox-static for
# the health probe), dpkg-deb unpacks them into a root folder, and the folder is written as a one-layer image in
# `docker save` format, which Jib takes as its base (tar://). Maintainer scripts are not run: what they would set up
# (the CA trust store, the ccsync user) is written here.
#
#   packaging/image/build-base.sh OUT.tar [JAVA_HOME]
#
# The CA certificates trusted by the image are those of the JDK that runs the build (JAVA_HOME/lib/security/cacerts).
set -eu

out=$1
build_java=${2:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}}
jvm=/usr/lib/jvm/java-17-openjdk-amd64
packages="libc6 libgcc-s1 libstdc++6 zlib1g openjdk-17-jre-headless busybox-static"
uid=10001

command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || {
  echo "build-base: needs apt-get and dpkg-deb (a Debian or Ubuntu build machine) to fetch Debian's packages" >&2
  exit 1
}
[ "$(dpkg --print-architecture)" = amd64 ] || { echo "build-base: builds an amd64 image on amd64 only" >&2; exit 1; }

work=$(dirname "$out")/base-work
rm -rf "$work"
mkdir -p "$work/debs" "$work/rootfs" "$work/owned"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

# apt-get download writes into the current folder; the machine's Debian sources and keys vouch for the packages
download() { (cd "$work/debs" && apt-get download -q $packages 2>&1 | grep -v '^W: Download is performed unsandboxed' || true); }
download
# a machine whose package lists were never fetched: fetch them once (as root) and try again
if ! ls "$work"/debs/*.deb >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && download
fi
for p in $packages; do
  ls "$work/debs/${p}_"*.deb >/dev/null 2>&1 || { echo "build-base: apt-get download $p failed (run apt-get update?)" >&2; exit 1; }
done
for deb in "$work"/debs/*.deb; do
  dpkg-deb -x "$deb" "$work/rootfs"
done
root=$work/rootfs

# what the packages' maintainer scripts would have done, and no more
rm -f "$root$jvm/lib/security/cacerts"
cp -L "$build_java/lib/security/cacerts" "$root$jvm/lib/security/cacerts"
rm -rf "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/locale" "$root/usr/share/info" "$root/usr/share/lintian"
mkdir -p "$root/etc" "$root/tmp" "$root/proc" "$root/sys" "$root/dev" "$root/usr/local/bin"
chmod 1777 "$root/tmp"
# the ccsync user's home is /tmp: nothing is kept there (camel-cli-connector writes its status files under ~/.camel)
printf 'root:x:0:0:root:/root:/bin/sh\nccsync:x:%s:%s:ccsync:/tmp:/usr/sbin/nologin\n' "$uid" "$uid" > "$root/etc/passwd"
printf 'root:x:0:\nccsync:x:%s:\n' "$uid" > "$root/etc/group"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$root/etc/hosts"
ln -s "$jvm/bin/java" "$root/usr/local/bin/java"
ln -s /bin/busybox "$root/usr/local/bin/wget"
# the package list and versions, for whoever audits the image
(cd "$work/debs" && ls *.deb) > "$root/etc/ccsync-base-packages.txt"
# /app/data belongs to the ccsync user (a fresh volume takes the folder's owner and mode)
mkdir -p "$work/owned/app/data" "$work/owned/app/data/inbox"
chmod 700 "$work/owned/app/data"

# one layer, reproducible: sorted, fixed times, numeric owners
tar --sort=name --mtime=@0 --numeric-owner --owner=0 --group=0 -C "$root" -cf "$work/layer.tar" .
tar --sort=name --mtime=@0 --numeric-owner --owner=$uid --group=$uid -C "$work/owned" -rf "$work/layer.tar" ./app
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
cat > "$work/config.json" <<JSON
{"architecture":"amd64","os":"linux","config":{"Env":["PATH=$jvm/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$jvm"]},"rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"packaging/image/build-base.sh: $packages"}]}
JSON
echo '[{"Config":"config.json","RepoTags":["ccsync-base:debian12"],"Layers":["layer.tar"]}]' > "$work/manifest.json"
tar --mtime=@0 --owner=0 --group=0 -C "$work" -cf "$out" manifest.json config.json layer.tar
rm -rf "$work"
echo "build-base: $out ($(du -h "$out" | cut -f1)) from: $packages"
