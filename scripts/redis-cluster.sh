#!/usr/bin/env bash
# A private Redis Cluster for the tests: 3 masters + 3 replicas on 127.0.0.1:7101–7106
# (ports of their own: never 6379), no persistence, data in a temp dir.
#
#   bash scripts/redis-cluster.sh start    # starts it, or reuses one already running; waits for "cluster_state:ok"
#   bash scripts/redis-cluster.sh stop     # stops it and removes its temp dir
#   bash scripts/redis-cluster.sh status   # prints "cluster info" of the first node
#
# Environment: REDIS_CLUSTER_BASE_PORT (default 7101), REDIS_CLUSTER_REPLICAS (replicas per
# master, default 1; 0 gives 3 masters on 7101–7103 only), REDIS_CLUSTER_DIR (default
# ${TMPDIR:-/tmp}/botwire-redis-cluster-<base port>).
# The tests find it through REDIS_CLUSTER_NODES (default "127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103").
# cluster-node-timeout is 2 s, so a killed master's replica takes over within a few seconds
# (failover tests). Nothing here ever touches port 6379 (the shared single Redis).
set -euo pipefail

BASE="${REDIS_CLUSTER_BASE_PORT:-7101}"
REPLICAS="${REDIS_CLUSTER_REPLICAS:-1}"
MASTERS=3
COUNT=$((MASTERS * (REPLICAS + 1)))
DIR="${REDIS_CLUSTER_DIR:-${TMPDIR:-/tmp}/botwire-redis-cluster-${BASE}}"
HOST=127.0.0.1

ports() { seq "$BASE" $((BASE + COUNT - 1)); }
cli() { redis-cli -h "$HOST" -p "$1" "${@:2}"; }
answers() { [ "$(cli "$1" ping 2>/dev/null)" = "PONG" ]; }
cluster_ok() { cli "$BASE" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; }

# Every node answers, knows every other node, and the cluster state is ok on each of them.
healthy() {
  local port
  for port in $(ports); do
    answers "$port" || return 1
    cli "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || return 1
    [ "$(cli "$port" cluster info | sed -n 's/^cluster_known_nodes:\([0-9]*\).*/\1/p')" = "$COUNT" ] || return 1
  done
}

wait_until() {
  local what="$1" tries="$2"
  shift 2
  for _ in $(seq 1 "$tries"); do
    if "$@"; then return 0; fi
    sleep 0.2
  done
  echo "redis-cluster: timed out waiting for $what" >&2
  return 1
}

start() {
  if [ "$BASE" -le 6379 ] && [ $((BASE + COUNT - 1)) -ge 6379 ]; then
    echo "redis-cluster: ports $BASE..$((BASE + COUNT - 1)) include 6379; pick another REDIS_CLUSTER_BASE_PORT" >&2
    exit 2
  fi
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || {
    echo "redis-cluster: redis-server and redis-cli are needed (apt-get install redis-server)" >&2
    exit 2
  }
  if healthy; then
    echo "redis-cluster: reusing the cluster running on $HOST:$BASE..$((BASE + COUNT - 1))"
    return 0
  fi
  local port busy=""
  for port in $(ports); do
    if answers "$port" && ! cli "$port" info cluster 2>/dev/null | grep -q '^cluster_enabled:1'; then
      busy="$busy $port"
    fi
  done
  if [ -n "$busy" ]; then
    echo "redis-cluster: a Redis that is not a cluster node answers on port(s)$busy; not touching it" >&2
    exit 2
  fi
  # A half-made cluster from an earlier run (killed mid-way): start again from scratch.
  stop >/dev/null 2>&1 || true
  mkdir -p "$DIR"
  for port in $(ports); do
    mkdir -p "$DIR/$port"
    redis-server --port "$port" --bind "$HOST" --daemonize yes \
      --dir "$DIR/$port" --pidfile "$DIR/$port/redis.pid" --logfile "$DIR/$port/redis.log" \
      --cluster-enabled yes --cluster-config-file "$DIR/$port/nodes.conf" \
      --cluster-node-timeout 2000 --cluster-replica-validity-factor 0 \
      --save '' --appendonly no --protected-mode yes
  done
  for port in $(ports); do wait_until "port $port" 50 answers "$port"; done
  local nodes=()
  for port in $(ports); do nodes+=("$HOST:$port"); done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas "$REPLICAS" --cluster-yes >"$DIR/create.log" 2>&1 || {
    cat "$DIR/create.log" >&2
    exit 1
  }
  wait_until "cluster_state:ok on every node" 150 healthy
  echo "redis-cluster: $MASTERS masters + $((MASTERS * REPLICAS)) replicas on $HOST:$BASE..$((BASE + COUNT - 1)) ($DIR)"
}

stop() {
  local port
  for port in $(ports); do
    if answers "$port" && cli "$port" info cluster 2>/dev/null | grep -q '^cluster_enabled:1'; then
      cli "$port" shutdown nosave >/dev/null 2>&1 || true
    fi
  done
  for port in $(ports); do wait_until "port $port to close" 50 bash -c "! redis-cli -h $HOST -p $port ping >/dev/null 2>&1" || true; done
  rm -rf "$DIR"
  echo "redis-cluster: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) cli "$BASE" cluster info ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
