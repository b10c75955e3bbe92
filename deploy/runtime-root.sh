#!/usr/bin/env bash
# Builds the runtime image's whole file system in ROOT from a built voxgate binary: the binary, exactly
# the shared libraries it links (read from the binary with ldd, so the list cannot drift from the
# build), the CA certificates, a non-root user, and the names and licences of the Debian packages those
# libraries come from. Run inside the build stage (deploy/Dockerfile).
# Usage: runtime-root.sh BINARY ROOT
set -euo pipefail
binary=$1
root=$2

mkdir -p "$root"/usr/local/bin "$root"/etc/ssl/certs "$root"/usr/lib/ssl "$root"/tmp "$root"/proc "$root"/dev \
  "$root"/usr/share/doc/voxgate
chmod 1777 "$root"/tmp
install -m 0755 "$binary" "$root"/usr/local/bin/voxgate

# Every library the dynamic loader maps (the loader itself included), at the path it is looked up by.
libraries=$(ldd "$binary" | awk '/=> \//{print $3} $1 ~ /^\//{print $1}' | sort -u)
[ -n "$libraries" ] || { echo "runtime-root: ldd found no libraries in $binary" >&2; exit 1; }
for lib in $libraries; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
# The packages they belong to (dpkg knows them by their /usr path on merged-/usr Debian).
packages=$(for lib in $libraries; do
  dpkg -S "$lib" 2>/dev/null || dpkg -S "/usr$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null ||
    echo "unknown-package-of-$lib:"
done | cut -d: -f1 | sort -u)
{
  echo "Debian packages whose libraries this image holds (from ldd + dpkg -S at build time):"
  for p in $packages; do dpkg-query -W -f='${Package} ${Version}\n' "$p" 2>/dev/null || echo "$p"; done
} > "$root"/usr/share/doc/voxgate/packages.txt
for p in $packages; do
  if [ -f /usr/share/doc/"$p"/copyright ]; then
    mkdir -p "$root"/usr/share/doc/"$p"
    cp /usr/share/doc/"$p"/copyright "$root"/usr/share/doc/"$p"/
  fi
done

# Outbound TLS (OpenAI, the providers' REST APIs, the tool endpoint) verifies against Debian's bundle;
# OpenSSL looks for it under its own directory.
cp -L /etc/ssl/certs/ca-certificates.crt "$root"/etc/ssl/certs/
ln -sfn /etc/ssl/certs/ca-certificates.crt "$root"/usr/lib/ssl/cert.pem
ln -sfn /etc/ssl/certs "$root"/usr/lib/ssl/certs

# The user the gateway runs as; no shell, no home.
cat > "$root"/etc/passwd <<'PASSWD'
root:x:0:0:root:/root:/usr/sbin/nologin
voxgate:x:10001:10001:voxgate:/nonexistent:/usr/sbin/nologin
PASSWD
cat > "$root"/etc/group <<'GROUP'
root:x:0:
voxgate:x:10001:
GROUP
printf 'hosts: files dns\n' > "$root"/etc/nsswitch.conf
# Runtimes mount their own; this one serves a chroot (deploy/smoke.sh) and runtimes that do not.
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' > "$root"/etc/hosts

echo "runtime-root: $(echo "$libraries" | wc -w) libraries from $(echo "$packages" | wc -w) packages, $(du -sh "$root" | cut -f1) in $root"
