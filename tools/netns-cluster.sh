#!/usr/bin/env bash
# Separate hosts on one machine, for training across machines off loopback (needs root and iproute2):
# network namespaces NAME-0 .. NAME-(N-1), each with one interface eth0 and address 10.20.0.(i+1)/24, joined by
# a bridge that lives in a namespace of its own (NAME-sw). No default route, no NAT, no link to this machine's
# interfaces: traffic flows only between the hosts. Processes run inside with `exec`, on the same command
# line a user runs on real hosts (--cluster with these addresses, or TF_CONFIG).
#
#   tools/netns-cluster.sh up NAME N            create (fails if NAME exists); prints the hosts' addresses
#   tools/netns-cluster.sh exec NAME I CMD...   run CMD on host I (ip netns exec: the PID is CMD's own)
#   tools/netns-cluster.sh limit NAME RATE      cap every link both ways with tc tbf (1gbit, 100mbit; none = no cap)
#   tools/netns-cluster.sh cut NAME I           partition host I: its switch port drops every frame, both ways;
#   tools/netns-cluster.sh heal NAME I          the host keeps its carrier and address, as when a switch between fails
#   tools/netns-cluster.sh bytes NAME I         "RX_BYTES TX_BYTES" of host I's eth0
#   tools/netns-cluster.sh down NAME            kill the processes inside NAME's namespaces, delete them
#   tools/netns-cluster.sh stale PREFIX         the clusters named PREFIX<pid>-... whose creating process <pid> is gone
#
# Example: 1 ps + 2 workers on a 100 Mbit/s network
#   tools/netns-cluster.sh up demo 3 && tools/netns-cluster.sh limit demo 100mbit
#   C='ps=10.20.0.1:2222;worker=10.20.0.2:2222,10.20.0.3:2222'
#   tools/netns-cluster.sh exec demo 0 tools/jacktf train $FLAGS --cluster "$C" --job-name ps &   (and so on)
#   tools/netns-cluster.sh down demo
set -euo pipefail

usage() {
  sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
[ $# -ge 1 ] || usage
cmd="$1"
shift

address() { echo "10.20.0.$(($1 + 1))"; }
hosts_of() { # NAME: the indices of its host namespaces
  ip netns list | awk -v p="$1-" '{ n = $1; if (index(n, p) == 1) { i = substr(n, length(p) + 1); if (i ~ /^[0-9]+$/) print i } }' | sort -n
}
exists() { ip netns list | awk '{print $1}' | grep -qx "$1"; }
need_cluster() { exists "$1-sw" || { echo "netns-cluster: no cluster '$1' (no namespace $1-sw); create it with: up $1 N" >&2; exit 1; }; }

# tbf on one interface's egress. burst >= rate / HZ (a tick's worth), else tbf cannot reach the rate.
cap() { # NS DEV RATE
  ip netns exec "$1" tc qdisc del dev "$2" root 2>/dev/null || true
  case "$3" in
    none) ;;
    *gbit) ip netns exec "$1" tc qdisc add dev "$2" root tbf rate "$3" burst 1mb latency 50ms ;;
    *) ip netns exec "$1" tc qdisc add dev "$2" root tbf rate "$3" burst 256kb latency 100ms ;;
  esac
}

case "$cmd" in
  up)
    [ $# -eq 2 ] || usage
    name="$1" n="$2"
    [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 250 ] || { echo "netns-cluster: N must be 1..250, got '$n'" >&2; exit 2; }
    ! exists "$name-sw" || { echo "netns-cluster: cluster '$name' exists; remove it with: down $name" >&2; exit 1; }
    ip netns add "$name-sw"
    ip -n "$name-sw" link add br0 type bridge stp_state 0
    ip -n "$name-sw" link set br0 up
    for ((i = 0; i < n; i++)); do
      ns="$name-$i"
      ip netns add "$ns"
      # Both ends are made inside the namespaces: no interface ever appears in this machine's own.
      ip -n "$name-sw" link add "p$i" type veth peer name eth0 netns "$ns"
      ip -n "$name-sw" link set "p$i" master br0 up
      ip -n "$ns" addr add "$(address "$i")/24" dev eth0
      ip -n "$ns" link set eth0 up
      ip -n "$ns" link set lo up # the process's own session dials grpc://localhost:PORT
      address "$i"
    done
    ;;
  exec)
    [ $# -ge 3 ] || usage
    need_cluster "$1"
    ns="$1-$2"
    shift 2
    exec ip netns exec "$ns" "$@"
    ;;
  limit)
    [ $# -eq 2 ] || usage
    need_cluster "$1"
    for i in $(hosts_of "$1"); do
      cap "$1-$i" eth0 "$2"  # host -> switch
      cap "$1-sw" "p$i" "$2" # switch -> host
    done
    ;;
  cut | heal)
    [ $# -eq 2 ] || usage
    need_cluster "$1"
    # Port state 0 (disabled) drops frames on the bridge; both veth ends stay up, so nothing on the host
    # notices but the silence - a real partition, not a reset.
    ip netns exec "$1-sw" bridge link set dev "p$2" state "$([ "$cmd" = cut ] && echo 0 || echo 3)"
    ;;
  bytes)
    [ $# -eq 2 ] || usage
    need_cluster "$1"
    # /sys inside `ip netns exec` shows that namespace's interfaces.
    ip netns exec "$1-$2" sh -c 'echo "$(cat /sys/class/net/eth0/statistics/rx_bytes) $(cat /sys/class/net/eth0/statistics/tx_bytes)"'
    ;;
  down)
    [ $# -eq 1 ] || usage
    for ns in $(ip netns list | awk -v p="$1-" 'index($1, p) == 1 {print $1}'); do
      # Only processes inside this cluster's own namespaces: the ones started there.
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
      for _ in 1 2 3 4 5 6 7 8 9 10; do [ -z "$(ip netns pids "$ns" 2>/dev/null)" ] && break; sleep 0.2; done
      ip netns del "$ns"
    done
    ;;
  stale)
    [ $# -eq 1 ] || usage
    # NAME-sw / NAME-I with NAME = PREFIX<pid>..., e.g. jtfnet4711x2-sw: the cluster jtfnet4711x2 of process 4711.
    ip netns list | awk -v p="$1" 'index($1, p) == 1 { c = $1; sub(/-[^-]*$/, "", c); pid = substr(c, length(p) + 1);
      sub(/[^0-9].*$/, "", pid); if (pid != "") print c, pid }' | sort -u |
      while read -r cluster pid; do
        [ -d "/proc/$pid" ] || echo "$cluster"
      done
    ;;
  *) usage ;;
esac
