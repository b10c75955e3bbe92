#!/usr/bin/env bash
# Builds the VoxGate image from deploy/Dockerfile as voxgate:<version>: with docker when an engine
# answers, else with buildah (chroot isolation: no daemon and no cgroups needed). Where no image
# registry is reachable, the Debian base image is made with mmdebstrap from Debian's own archive.
# Usage: deploy/build-image.sh        (IMAGE=name:tag to choose the name)
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^project(voxgate VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
image=${IMAGE:-voxgate:$version}
base=docker.io/library/debian:bookworm

if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  exec docker build -f deploy/Dockerfile -t "$image" .
fi

need() {
  command -v "$1" >/dev/null && return
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  echo "build-image: no docker engine; installing $2 from Debian"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$2"
}
need buildah buildah

if ! buildah inspect --type image "$base" >/dev/null 2>&1 && ! buildah pull -q "$base" >/dev/null 2>&1; then
  need mmdebstrap mmdebstrap
  echo "build-image: no registry reachable; making $base with mmdebstrap"
  tar=$(mktemp --suffix=.tar)
  trap 'rm -f "$tar"' EXIT
  mmdebstrap --quiet --variant=minbase bookworm "$tar"
  ctr=$(buildah from scratch)
  buildah add --quiet "$ctr" "$tar" / >/dev/null
  buildah config --cmd /bin/bash "$ctr"
  buildah commit --quiet "$ctr" "$base" >/dev/null
  buildah rm "$ctr" >/dev/null
fi

# Docker's image format: OCI's has no HEALTHCHECK, and buildah would drop it without a word.
buildah bud --isolation chroot --layers --format docker -f deploy/Dockerfile -t "$image" .
echo "build-image: $image"
