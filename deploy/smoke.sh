#!/usr/bin/env bash
# Smoke test of the built image (deploy/build-image.sh): starts the gateway from the image, waits for
# its health check to pass, places a simulated call with the image's own `voxgate call` and asserts
# that audio came back, then stops it with SIGTERM and asserts a clean exit. With a docker engine it
# runs the container; where containers cannot run (no daemon, no cgroups) it mounts the image with
# buildah and chroots into its root file system as the image's user. Too slow for `make test`.
# Usage: deploy/smoke.sh [IMAGE]      (default voxgate:<version>)
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^project(voxgate VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
image=${1:-voxgate:$version}
work=$(mktemp -d)
fail() { echo "smoke: FAILED: $*" >&2; [ -f "$work/gateway.log" ] && tail -20 "$work/gateway.log" >&2; exit 1; }

free_port() {
  for p in $(seq 18080 18180); do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  fail "no free port in 18080-18180"
}
port=$(free_port)

if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  name=voxgate-smoke-$$
  trap 'docker rm -f "$name" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
  docker run -d --name "$name" --network host -e PORT="$port" -e HOST=127.0.0.1 "$image" >/dev/null
  run() { docker exec "$name" /usr/local/bin/voxgate "$@"; }
  stop() {
    docker stop -t 10 "$name" >/dev/null
    docker logs "$name" > "$work/gateway.log" 2>&1
    stop_rc=$(docker inspect -f '{{.State.ExitCode}}' "$name")
  }
  user=$(docker inspect -f '{{.Config.User}}' "$image")
  size_mb=$(( $(docker image inspect -f '{{.Size}}' "$image") / 1000000 ))
else
  command -v buildah >/dev/null || fail "neither a docker engine nor buildah"
  ctr="" root="" pid=""
  cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    [ -n "$root" ] && { umount "$root/proc" 2>/dev/null || true; }
    [ -n "$ctr" ] && { buildah umount "$ctr" >/dev/null 2>&1 || true; buildah rm "$ctr" >/dev/null 2>&1 || true; }
    rm -rf "$work"
  }
  trap cleanup EXIT
  ctr=$(buildah from --quiet "$image")
  root=$(buildah mount "$ctr")
  user=$(buildah inspect --type image --format '{{.OCIv1.Config.User}}' "$image")
  entry=$(buildah inspect --type image --format '{{.OCIv1.Config.Entrypoint}}' "$image")
  [ "$entry" = "[/usr/local/bin/voxgate serve]" ] || fail "entrypoint is $entry"
  health=$(buildah inspect --type image --format '{{.Docker.Config.Healthcheck}}' "$image")
  case "$health" in *voxgate*health*) ;; *) fail "the image has no HEALTHCHECK running voxgate health ($health)" ;; esac
  size_mb=$(( $(du -skx "$root" | cut -f1) / 1024 ))
  chroot_bin=$(command -v chroot)
  mount -t proc proc "$root/proc"  # the gateway reads its own CPU and memory there, as in a container
  # As a runtime would: the image's environment and user, our port.
  env -i PORT="$port" HOST=127.0.0.1 LOG_FORMAT=json \
    "$chroot_bin" --userspec="$user" "$root" /usr/local/bin/voxgate serve > "$work/gateway.log" 2>&1 &
  pid=$!
  run() { env -i PORT="$port" "$chroot_bin" --userspec="$user" "$root" /usr/local/bin/voxgate "$@"; }
  stop() {
    kill -TERM "$pid"
    stop_rc=0
    wait "$pid" || stop_rc=$?
    pid=
  }
fi

[ "${user%%:*}" != "0" ] && [ "${user%%:*}" != "root" ] && [ -n "$user" ] || fail "the image runs as '$user'"
echo "smoke: image $image, user $user, $size_mb MB unpacked"
[ "$size_mb" -le 80 ] || fail "the image is $size_mb MB, over 80"

healthy=0
for _ in $(seq 1 50); do
  if run health >/dev/null 2>&1; then healthy=1; break; fi
  sleep 0.2
done
[ $healthy -eq 1 ] || fail "voxgate health never passed on port $port"
echo "smoke: healthy on port $port"

run call "http://127.0.0.1:$port" --seconds 2 > "$work/call.txt" 2>&1 || { cat "$work/call.txt" >&2; fail "voxgate call failed"; }
grep -q "first audio back" "$work/call.txt" || { cat "$work/call.txt" >&2; fail "no audio came back"; }
grep "frames sent" "$work/call.txt" | sed 's/^/smoke: call: /'

stop
[ "$stop_rc" = "0" ] || fail "the gateway exited with $stop_rc on SIGTERM"
grep -q '"outcome":"completed"' "$work/gateway.log" || fail "no completed call in the gateway's log"
grep -q '"msg":"stopped"\|stopped' "$work/gateway.log" || fail "no 'stopped' line"
echo "smoke: passed ($(date -u +%Y-%m-%dT%H:%MZ))"
