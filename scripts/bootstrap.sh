#!/usr/bin/env bash
# Installs VoxGate's build and test dependencies from Debian's packages, idempotently.
# Nothing is downloaded at build time; this script is the only install step.
set -euo pipefail

packages=(
  build-essential cmake ccache pkg-config
  libcaf-dev libboost-dev libssl-dev rapidjson-dev libspdlog-dev libfmt-dev
  libspeexdsp-dev libspandsp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libclang-rt-14-dev
  openssl ca-certificates
  cmark prometheus espeak-ng
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all dependencies present"
  exit 0
fi

echo "bootstrap: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
