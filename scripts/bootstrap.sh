#!/usr/bin/env bash
# Installs VoxGate's build and test dependencies from Debian's packages, idempotently.
# Nothing is downloaded at build time; this script is the only install step.
# Usage: bootstrap.sh [--test]   (--test: also what the tests run: cmark, and promtool)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ccache pkg-config
  libcaf-dev libboost-dev libssl-dev rapidjson-dev libspdlog-dev libfmt-dev
  libspeexdsp-dev libspandsp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libclang-rt-14-dev
  openssl ca-certificates
  espeak-ng
)
test_mode=0
[ "${1:-}" = "--test" ] && test_mode=1
# cmark renders the README in a test; redis-server is the real Redis the cluster's tests start on a
# free port (no persistence) and stop; promtool (below) checks the metrics exposition.
[ $test_mode -eq 1 ] && packages+=(cmark redis-server haproxy)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
updated=0
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  $SUDO apt-get update -qq
  updated=1
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# promtool ships only inside Debian's prometheus package, whose installation would also set up a
# Prometheus server. The tests need the checker alone: take it out of the package into .deps/bin.
if [ $test_mode -eq 1 ] && ! command -v promtool >/dev/null && [ ! -x .deps/bin/promtool ]; then
  echo "bootstrap: fetching promtool from Debian's prometheus package into .deps/bin"
  [ $updated -eq 1 ] || $SUDO apt-get update -qq
  scratch=$(mktemp -d)
  chmod 755 "$scratch"  # apt downloads as its own user
  (cd "$scratch" && apt-get download -qq prometheus)
  mkdir -p .deps/bin
  dpkg-deb --fsys-tarfile "$scratch"/prometheus_*.deb | tar -x -C "$scratch" ./usr/bin/promtool
  mv "$scratch/usr/bin/promtool" .deps/bin/promtool
  rm -rf "$scratch"
fi
[ ${#missing[@]} -gt 0 ] || echo "bootstrap: all dependencies present"
