#!/usr/bin/env bash
# The compose stack's cluster, run from the built image where containers cannot run: three gateways
# from the image's root file system (chroot, as the image's user, each on its own loopback address as
# compose gives each service its own), Debian's redis-server, and HAProxy with deploy/haproxy.cfg (the
# service names mapped to those addresses, the port moved off 8080). Places simulated calls through
# the balancer with the image's own `voxgate call`: round-robin sends each call's webhook and media to
# different gateways, so the media is carried to the owner. Asserts audio came back on every call, that
# media really was relayed, and that `/calls?scope=cluster` lists the three instances; then SIGTERMs
# the gateways and asserts a clean exit. With a docker engine, run compose itself instead.
# Usage: deploy/cluster-smoke.sh [IMAGE]      (default voxgate:<version>)
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^project(voxgate VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
image=${1:-voxgate:$version}
work=$(mktemp -d)
pids=() ctr="" root=""
fail() {
  echo "cluster-smoke: FAILED: $*" >&2
  for f in "$work"/*.log; do [ -f "$f" ] && { echo "---- $f" >&2; tail -15 "$f" >&2; }; done
  exit 1
}
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$root" ] && { umount "$root/proc" 2>/dev/null || true; }
  [ -n "$ctr" ] && { buildah umount "$ctr" >/dev/null 2>&1 || true; buildah rm "$ctr" >/dev/null 2>&1 || true; }
  rm -rf "$work"
}
trap cleanup EXIT
for tool in buildah redis-server haproxy; do
  command -v $tool >/dev/null || [ -x /usr/sbin/$tool ] || fail "$tool is missing"
done
wait_port() {  # host port
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0; sleep 0.1; done
  fail "nothing listening on $1:$2"
}

ctr=$(buildah from --quiet "$image")
root=$(buildah mount "$ctr")
user=$(buildah inspect --type image --format '{{.OCIv1.Config.User}}' "$image")
chroot_bin=$(command -v chroot)
mount -t proc proc "$root/proc"

redis_port=18390 lb_port=18380 port=8080
redis-server --port $redis_port --bind 127.0.0.1 --save "" --appendonly no --logfile "" > "$work/redis.log" 2>&1 &
pids+=($!)
wait_port 127.0.0.1 $redis_port

# The secret as compose's `secret` service makes it, where the gateways' volume would be.
mkdir -p "$root/run/voxgate"
secret_cmd=$(python3 -c "import yaml,sys; print(yaml.safe_load(open('deploy/docker-compose.yml'))['services']['secret']['command'][2])" 2>/dev/null) ||
  secret_cmd="test -s /run/voxgate/call-token-secret || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n' > /run/voxgate/call-token-secret"
sh -c "${secret_cmd//\/run\/voxgate/$root/run/voxgate}"
[ "$(wc -c < "$root/run/voxgate/call-token-secret")" -eq 64 ] || fail "the secret service's command made no 64-character secret"

# The compose file's environment for each gateway, as a runtime would pass it: nothing else (OPS_TOKEN
# as an operator's .env would set it).
ops_token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
for i in 1 2 3; do
  addr=127.0.0.$((10 + i))
  env -i HOST=$addr PORT=$port INSTANCE_ADDR=$addr:$port REDIS_URL=redis://127.0.0.1:$redis_port \
    CALL_TOKEN_SECRET_FILE=/run/voxgate/call-token-secret DRAIN_TIMEOUT=30 PUBLIC_URL=http://127.0.0.1:$lb_port \
    OPS_TOKEN=$ops_token \
    "$chroot_bin" --userspec="$user" "$root" /usr/local/bin/voxgate serve > "$work/voxgate$i.log" 2>&1 &
  pids+=($!)
  gateway_pids[$i]=$!
done
for i in 1 2 3; do wait_port 127.0.0.$((10 + i)) $port; done

sed -e "s/bind :8080/bind 127.0.0.1:$lb_port/" -e 's/ voxgate\([123]\):8080$/ 127.0.0.1\1:8080/' \
  -e 's/resolvers docker //' deploy/haproxy.cfg > "$work/haproxy.cfg"
grep -q "server voxgate1 127.0.0.11:8080" "$work/haproxy.cfg" || fail "haproxy.cfg's servers were not mapped"
haproxy -f "$work/haproxy.cfg" -db > "$work/haproxy.log" 2>&1 &
pids+=($!)
wait_port 127.0.0.1 $lb_port
sleep 2.5  # HAProxy's first health checks (inter 2s)

for n in 1 2 3; do
  env -i "$chroot_bin" --userspec="$user" "$root" /usr/local/bin/voxgate call "http://127.0.0.1:$lb_port" \
    --seconds 2 > "$work/call$n.txt" 2>&1 || { cat "$work/call$n.txt" >&2; fail "call $n failed"; }
  grep -q "first audio back" "$work/call$n.txt" || fail "call $n: no audio came back"
  echo "cluster-smoke: call $n through HAProxy: $(grep 'frames sent' "$work/call$n.txt")"
done
relayed=$(cat "$work"/voxgate*.log | grep -c "media socket relayed to owner" || true)
[ "$relayed" -ge 1 ] || fail "no call's media was relayed (round-robin should split webhook and media)"
echo "cluster-smoke: $relayed of 3 calls had their media relayed to the instance that took the webhook"
listing=$(exec 3<>/dev/tcp/127.0.0.11/8080
  printf 'GET /calls?scope=cluster HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n' "$ops_token" >&3; cat <&3)
for i in 1 2 3; do
  echo "$listing" | grep -q "\"instance\":\"127.0.0.1$i:8080\",\"calls\":\[" ||
    fail "/calls?scope=cluster lacks instance $i's calls: $listing"
done
if echo "$listing" | grep -q '"error"'; then fail "/calls?scope=cluster has an error: $listing"; fi
echo "cluster-smoke: /calls?scope=cluster lists the three instances"
status=$(exec 3<>/dev/tcp/127.0.0.1/$lb_port; printf 'GET /internal/relay HTTP/1.0\r\n\r\n' >&3; head -1 <&3)
case "$status" in *" 403 "*) ;; *) fail "the balancer lets /internal/ through: $status" ;; esac
echo "cluster-smoke: the balancer refuses /internal/ (403)"

for i in 1 2 3; do kill -TERM "${gateway_pids[$i]}"; done
for i in 1 2 3; do
  rc=0
  wait "${gateway_pids[$i]}" || rc=$?
  [ $rc -eq 0 ] || fail "gateway $i exited with $rc on SIGTERM"
done
echo "cluster-smoke: passed ($(date -u +%Y-%m-%dT%H:%MZ)), image $image"
