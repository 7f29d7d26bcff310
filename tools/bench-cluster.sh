#!/usr/bin/env bash
# Data-parallel scaling on TF's gRPC runtime, all tasks on this machine (127.0.0.1):
#   tools/bench-cluster.sh [WORKERS...]      (default: 1 2 4)
# For each worker count: 1 ps + N workers run `jacktf train` (sync and async) on synthetic 224x224 JPEGs;
# img/s comes from the median sec/step each worker logs after warm-up, and the network volume per global
# step from the TCP counters of the cluster's connections (ss). One line per run into target/bench/cluster.tsv.
# Env: STEPS (default 24), BATCH (8), TRAINABLE (resnet_v1_50/block4,resnet_v1_50/logits), MODES (sync async).
# LINK=1gbit|100mbit|none: each task on a host of its own instead (tools/netns-cluster.sh, root), the links
# capped with tc (none: uncapped); the volume per global step then comes from the ps host's interface
# counters (all traffic of the job goes to or from the ps), IP and TCP headers included.
set -euo pipefail
for mode in ${MODES:-sync async}; do
  case "$mode" in sync | async) ;; *) echo "MODES holds sync and/or async. Received: '$mode'" >&2; exit 2 ;; esac
done
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/target/bench/cluster"
out="$root/target/bench/cluster.tsv"
steps="${STEPS:-24}"
batch="${BATCH:-8}"
trainable="${TRAINABLE:-resnet_v1_50/block4,resnet_v1_50/logits}"
mkdir -p "$work"
"$root/tools/jacktf" --version >/dev/null
jar="$root/target/jacktf.jar"
export TF_CPP_MIN_LOG_LEVEL=2
[ -d "$work/data" ] || "$root/tools/jacktf" data synth --output "$work/data" --classes 2 --per-class 64 --size 256 >/dev/null
link="${LINK:-}"
[ -n "$link" ] && out="$root/target/bench/cluster-$link.tsv"
printf 'link\tmode\tworkers\tbatch_per_worker\tsteps\timg_per_s\tmb_per_global_step\n' > "$out"
netns="$root/tools/netns-cluster.sh"
hosts="" # the namespace cluster of the current run, removed on exit whatever happens
trap '[ -z "$hosts" ] || "$netns" down "$hosts"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# Bytes on every TCP connection served by a cluster port (each connection counted once, at its server
# end: a worker pulls variables from a ps, a ps pulls gradients from a worker), from the first sample at
# step >= 4 to the first at the last step.
traffic_mb_per_step() { # PORTS_REGEX FILE
  awk -v ports="$1" '
    /^STEP / { step = $2; fresh = (step != prev); prev = step; next }
    /^[0-9]/ { n = split($3, l, ":"); key = $3 " " $4; own = (l[n] ~ "^(" ports ")$"); next }
    own && step >= 4 {
      b = 0; n = split($0, f, /[ \t]+/)
      for (i = 1; i <= n; i++) if (f[i] ~ /^bytes_(sent|received):/) { split(f[i], kv, ":"); b += kv[2] }
      if (!(key in first)) { first[key] = b; if (!s0) s0 = step }
      if (fresh) { last[key] = b; s1 = step }
    }
    END { for (k in last) t += last[k] - first[k]; if (s1 > s0) printf "%.1f", t / (s1 - s0) / 1e6; else print "n/a" }' "$2"
}

for workers in "${@:-1 2 4}"; do
  for mode in ${MODES:-sync async}; do
    base=$((30000 + RANDOM % 20000))
    spec="ps=127.0.0.1:$base;worker="
    for ((i = 0; i < workers; i++)); do spec+="127.0.0.1:$((base + 1 + i)),"; done
    on_ps=() on_worker=()
    if [ -n "$link" ]; then # host 0 the ps, host i+1 worker i, all on port 2222
      hosts="jtfbench$$x$mode$workers"
      "$netns" up "$hosts" $((workers + 1)) >/dev/null
      "$netns" limit "$hosts" "$link"
      spec="ps=10.20.0.1:2222;worker="
      for ((i = 0; i < workers; i++)); do spec+="10.20.0.$((i + 2)):2222,"; done
      on_ps=("$netns" exec "$hosts" 0)
    fi
    spec="${spec%,}"
    run="$work/${link:-loopback}/${mode}_$workers"
    rm -rf "$run" && mkdir -p "$run"
    flags=(train --dataset-dir "$work/data" --batch-size "$batch" --trainable-scopes "$trainable"
      --optimizer momentum --learning-rate 0.001 --learning-rate-decay-type fixed --max-number-of-steps "$steps"
      --log-every-n-steps 1 --save-summaries-secs 3600 --save-interval-secs 3600 --cluster "$spec")
    [ "$mode" = sync ] && flags+=(--sync-replicas)
    "${on_ps[@]}" java -jar "$jar" "${flags[@]}" --train-dir "$run/ps" --job-name ps > "$run/ps.log" 2>&1 &
    pspid=$!
    pids=()
    for ((i = workers - 1; i >= 0; i--)); do
      [ -n "$link" ] && on_worker=("$netns" exec "$hosts" $((i + 1)))
      JACKTF_INTRA_OP_THREADS=$(( workers > 1 ? 1 : 2 )) "${on_worker[@]}" java -jar "$jar" "${flags[@]}" \
        --train-dir "$run/w$i" --job-name worker --task-index "$i" > "$run/w$i.log" 2>&1 &
      pids+=($!)
    done
    # Sample the cluster's traffic counters and the chief's global step while the workers run.
    : > "$run/traffic"
    while kill -0 "${pids[0]}" 2>/dev/null; do
      step=$(grep -o 'global step [0-9]*' "$run/w0.log" 2>/dev/null | tail -1 | awk '{print $3}' || true)
      if [ -n "$link" ]; then
        echo "STEP ${step:-0} $("$netns" bytes "$hosts" 0)" >> "$run/traffic"
      else
        { echo "STEP ${step:-0}"; ss -tinH state established || true; } >> "$run/traffic"
      fi
      sleep 0.5
    done
    wait "${pids[@]}"
    kill "$pspid" 2>/dev/null || true
    if [ -n "$link" ]; then
      "$netns" down "$hosts"
      hosts=""
    fi
    # Skip each worker's first 3 steps (graph build, warm-up), then img/s = sum over workers of batch / median.
    ips=0
    for ((i = 0; i < workers; i++)); do
      m=$(grep -o '([0-9.]* sec/step)' "$run/w$i.log" | tr -d '(' | awk '{print $1}' | tail -n +4 | median)
      ips=$(awk -v a="$ips" -v b="$batch" -v m="$m" 'BEGIN {print a + b / m}')
    done
    # Sync: every worker waits for the slowest, so the job runs at the chief's pace times the workers.
    if [ "$mode" = sync ]; then
      m=$(grep -o '([0-9.]* sec/step)' "$run/w0.log" | tr -d '(' | awk '{print $1}' | tail -n +4 | median)
      ips=$(awk -v b="$batch" -v w="$workers" -v m="$m" 'BEGIN {print w * b / m}')
    fi
    ports="$base"
    for ((i = 1; i <= workers; i++)); do ports+="|$((base + i))"; done
    # Both from the first sample at step >= 4 to the first at the last step: the chief's final checkpoint
    # reads every variable and slot (~150 MB here), which is no step's traffic.
    if [ -n "$link" ]; then # the ps interface's bytes, rx + tx
      mb=$(awk '$2 >= 4 && $2 != s1 { b = $3 + $4; if (!n++) { b0 = b; s0 = $2 } b1 = b; s1 = $2 }
        END { if (s1 > s0) printf "%.1f", (b1 - b0) / (s1 - s0) / 1e6; else print "n/a" }' "$run/traffic")
    else
      mb=$(traffic_mb_per_step "$ports" "$run/traffic")
    fi
    printf '%s\t%s\t%d\t%d\t%d\t%.2f\t%s\n' "${link:-loopback}" "$mode" "$workers" "$batch" "$steps" "$ips" "$mb" |
      tee -a "$out"
  done
done
echo "wrote $out" >&2
