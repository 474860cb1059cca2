#!/usr/bin/env bash
# Why: the team evidence store (issue 18) is S3 Object Lock on Ceph; tests and CI need the real engine,
# not a mock. This brings up a throwaway single-node Ceph (1 mon, 1 memstore OSD, radosgw) on 127.0.0.1
# from Debian's packages, following /work/shared/docs/ceph-s3-object-lock.md (measured recipe).
#   start DIR PORT  -> blocks until signed S3 requests work, prints S3_* env (also DIR/s3.env)
#   stop DIR        -> radosgw first, then OSD and mon (the order matters: pitfall 5), then rm -rf DIR
#   status DIR      -> exit 0 when the recorded daemons are alive and the gateway answers
#   stop-gateway DIR-> stops radosgw only (mon and memstore OSD keep the data): "the store is down" for
#                      clients; a later `start DIR PORT` brings the gateway back with the same data
# It only signals PIDs it recorded, and only when their cmdline still names DIR/ceph.conf. Never by name.
set -euo pipefail

AK="${CEPH_S3_ACCESS_KEY:-CEPHS3LOCALTESTKEY01}"
SK="${CEPH_S3_SECRET_KEY:-cephS3localTestSecretKey000000000000000001}"
UID_="${CEPH_S3_UID:-test}"
SIZE_MB="${CEPH_S3_SIZE_MB:-2048}"
TIMEOUT="${CEPH_S3_TIMEOUT:-180}"
MARKER=.ceph-s3-local

log() { echo "ceph-s3-local: $*" >&2; }
die() { log "$*"; exit 1; }

# A free loopback TCP port (for the mon), asked of the kernel through Python's bind(0).
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

pid_ours() { # PID DIR: alive and started by us for this DIR
  local pid="$1" dir="$2"
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "-c $dir/ceph.conf -f"
}

signal_daemon() { # DIR NAME SIGNAL
  local f="$1/run/$2.pid" pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if pid_ours "$pid" "$1"; then kill "-$3" "$pid" 2>/dev/null || true; fi
}

wait_gone() { # DIR NAME SECONDS
  local f="$1/run/$2.pid" pid i
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  for ((i = 0; i < $3 * 10; i++)); do pid_ours "$pid" "$1" || return 0; sleep 0.1; done
  return 1
}

stop_daemons() { # DIR
  signal_daemon "$1" rgw TERM
  wait_gone "$1" rgw 5 || signal_daemon "$1" rgw KILL
  signal_daemon "$1" osd TERM
  signal_daemon "$1" mon TERM
  wait_gone "$1" osd 5 || signal_daemon "$1" osd KILL
  wait_gone "$1" mon 5 || signal_daemon "$1" mon KILL
  wait_gone "$1" osd 2 || true
  wait_gone "$1" mon 2 || true
}

write_conf() { # DIR PORT MONPORT FSID
  local store="${CEPH_S3_STORE:-memstore}"
  cat >"$1/ceph.conf" <<CONF
[global]
fsid = $4
mon host = [v2:127.0.0.1:$3]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
auth allow insecure global id reclaim = false
keyring = $1/keyring
run dir = $1/run
log file = $1/log/\$name.log
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
mon data avail crit = 0
mon osd full ratio = .99
mon osd nearfull ratio = .99
mon osd backfillfull ratio = .99
paxos propose interval = 0.1
[mon]
mon data = $1/mon.\$id
[osd]
osd data = $1/osd.\$id
osd objectstore = $store
memstore device bytes = $((SIZE_MB * 1024 * 1024))
bluestore block create = true
bluestore block size = $((SIZE_MB * 1024 * 1024))
osd fast shutdown notify mon = false
[client.rgw.local]
rgw frontends = beast endpoint=127.0.0.1:$2
rgw thread pool size = 32
rgw data = $1/rgw
[client]
admin socket =
CONF
}

env_text() { # DIR PORT
  printf 'S3_ENDPOINT=http://127.0.0.1:%s\nS3_ACCESS_KEY=%s\nS3_SECRET_KEY=%s\nS3_REGION=us-east-1\nCEPH_CONF="%s"/ceph.conf\n' \
    "$2" "$AK" "$SK" "$1"
}

signed_get_ok() { # PORT: a signed GET / answers 200
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AK:$SK" \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "http://127.0.0.1:$1/" 2>/dev/null | grep -q '^200$'
}

mon_osd_alive() { # DIR
  local n
  for n in mon osd; do
    [ -f "$1/run/$n.pid" ] && pid_ours "$(cat "$1/run/$n.pid")" "$1" || return 1
  done
}

start_rgw() { # DIR
  radosgw -c "$1/ceph.conf" -f -n client.rgw.local </dev/null >>"$1/run/rgw.out" 2>&1 &
  echo $! >"$1/run/rgw.pid"
}

# DIR PORT USER_DONE: waits until a signed GET / works (creating the S3 user once the gateway answers)
wait_ready() {
  local dir="$1" port="$2" user="$3" deadline=$((SECONDS + TIMEOUT))
  while ((SECONDS < deadline)); do
    alive "$dir" || fail_start "$dir" "a daemon exited during start"
    if ((user == 0)); then
      if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; then
        radosgw-admin -c "$dir/ceph.conf" user create --uid "$UID_" --display-name "$UID_" --access-key "$AK" \
          --secret-key "$SK" >/dev/null 2>&1 && user=1 && touch "$dir/user.ok"
      fi
    elif signed_get_ok "$port"; then
      env_text "$dir" "$port" | tee "$dir/s3.env"; return 0
    fi
    sleep 0.3
  done
  fail_start "$dir" "not ready after ${TIMEOUT}s"
}

alive() { # DIR: every recorded daemon is ours and alive
  local n
  for n in mon osd rgw; do
    [ -f "$1/run/$n.pid" ] && pid_ours "$(cat "$1/run/$n.pid")" "$1" || return 1
  done
}

fail_start() { # DIR MESSAGE
  log "$2"
  local f
  for f in "$1"/log/*.log "$1"/run/*.out; do [ -f "$f" ] && { log "--- $f"; tail -n 20 "$f" >&2; }; done
  stop_daemons "$1"
  exit 1
}

cmd_start() {
  local dir port
  [ $# -eq 2 ] || die "usage: $0 start DIR PORT"
  mkdir -p "$1"; dir=$(cd "$1" && pwd); port="$2"
  if [ -e "$dir/$MARKER" ]; then
    if [ "$(cat "$dir/$MARKER")" = "$port" ] && alive "$dir" && signed_get_ok "$port"; then
      env_text "$dir" "$port" | tee "$dir/s3.env"; return 0
    fi
    if [ "$(cat "$dir/$MARKER")" = "$port" ] && mon_osd_alive "$dir" && [ -f "$dir/user.ok" ]; then
      start_rgw "$dir" && wait_ready "$dir" "$port" 1 && return 0
    fi
    log "rebuilding $dir"
    stop_daemons "$dir"
    find "$dir" -mindepth 1 -delete
  elif [ -n "$(ls -A "$dir")" ]; then
    die "refusing non-empty $dir that this script did not create"
  fi
  echo "$port" >"$dir/$MARKER"
  mkdir -p "$dir/run" "$dir/log" "$dir/mon.a" "$dir/osd.0" "$dir/rgw"
  local monport fsid uuid conf k
  monport="${CEPH_S3_MON_PORT:-$(free_port)}"
  fsid=$(cat /proc/sys/kernel/random/uuid); uuid=$(cat /proc/sys/kernel/random/uuid)
  write_conf "$dir" "$port" "$monport" "$fsid"
  conf="$dir/ceph.conf"; k="$dir/keyring"
  # Every key, with its caps, in one keyring before the mon exists: mkfs imports them (recipe step 2).
  ceph-authtool --create-keyring "$k" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$k" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' \
    --cap mds 'allow *' >/dev/null
  ceph-authtool "$k" --gen-key -n osd.0 --cap mon 'allow profile osd' --cap mgr 'allow profile osd' \
    --cap osd 'allow *' >/dev/null
  ceph-authtool "$k" --gen-key -n client.rgw.local --cap mon 'allow rw' --cap osd 'allow rwx' \
    --cap mgr 'allow rw' >/dev/null
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$monport]" "$dir/monmap" >/dev/null
  ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$k" >/dev/null 2>&1 \
    || fail_start "$dir" "ceph-mon --mkfs failed"
  ceph-mon -c "$conf" -f -i a </dev/null >"$dir/run/mon.out" 2>&1 &
  echo $! >"$dir/run/mon.pid"
  # The OSD's mkfs must not fetch its config from the mon (pitfall 1).
  ceph-osd -c "$conf" -f -i 0 --mkfs --osd-uuid "$uuid" --no-mon-config >"$dir/run/osd-mkfs.out" 2>&1 \
    || fail_start "$dir" "ceph-osd --mkfs failed"
  timeout 60 ceph -c "$conf" osd new "$uuid" 0 >/dev/null 2>&1 || fail_start "$dir" "ceph osd new failed"
  ceph-osd -c "$conf" -f -i 0 </dev/null >"$dir/run/osd.out" 2>&1 &
  echo $! >"$dir/run/osd.pid"
  start_rgw "$dir"
  wait_ready "$dir" "$port" 0
}

cmd_stop() {
  [ $# -eq 1 ] || die "usage: $0 stop DIR"
  [ -d "$1" ] || return 0
  local dir; dir=$(cd "$1" && pwd)
  [ -e "$dir/$MARKER" ] || die "refusing $dir: not made by this script"
  stop_daemons "$dir"
  rm -rf "$dir"
}

cmd_stop_gateway() {
  [ $# -eq 1 ] || die "usage: $0 stop-gateway DIR"
  local dir; dir=$(cd "$1" && pwd)
  [ -e "$dir/$MARKER" ] || die "refusing $dir: not made by this script"
  signal_daemon "$dir" rgw TERM
  wait_gone "$dir" rgw 5 || signal_daemon "$dir" rgw KILL
  wait_gone "$dir" rgw 2 || true
}

cmd_status() {
  [ $# -eq 1 ] || die "usage: $0 status DIR"
  local dir; dir=$(cd "$1" 2>/dev/null && pwd) || { echo stopped; exit 1; }
  [ -e "$dir/$MARKER" ] && alive "$dir" && signed_get_ok "$(cat "$dir/$MARKER")" && { echo running; return 0; }
  echo stopped; exit 1
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  status) shift; cmd_status "$@" ;;
  stop-gateway) shift; cmd_stop_gateway "$@" ;;
  *) die "usage: $0 start DIR PORT | stop DIR | status DIR | stop-gateway DIR" ;;
esac
