#!/bin/sh
# Entry point of every jacktf pod: sets TF_CONFIG from the pod's own name, then runs its arguments.
#   tf-config.sh java -jar /opt/jacktf/jacktf.jar train @/etc/jacktf/train.flags
# The pod's job and index come from its host name, JOB-INDEX (an Indexed Job's pods are named so, and
# JOB_COMPLETION_INDEX gives the index); the addresses of all tasks are JOB-I.SERVICE:PORT, the names
# the headless Service gives them. POSIX sh: it runs in any image.
set -eu
host="${JACKTF_POD_HOST:-$(hostname)}"
job="${host%-*}"
index="${JOB_COMPLETION_INDEX:-${host##*-}}"
service="${JACKTF_SERVICE:?set JACKTF_SERVICE to the headless Service name}"
port="${JACKTF_PORT:-2222}"
case "$job" in
  chief | worker | ps) ;;
  *)
    echo "tf-config.sh: the pod's host name '$host' is not chief-N, worker-N or ps-N; name the Jobs chief, worker and ps" >&2
    exit 1
    ;;
esac
case "$index" in
  '' | *[!0-9]*)
    echo "tf-config.sh: the pod's index '$index' (from '$host') is not a number" >&2
    exit 1
    ;;
esac

# JSON list of COUNT addresses of JOB: "JOB-0.SERVICE:PORT", ...
addresses() {
  i=0
  list=""
  while [ "$i" -lt "$2" ]; do
    list="$list${list:+, }\"$1-$i.$service:$port\""
    i=$((i + 1))
  done
  printf '%s' "$list"
}

TF_CONFIG=$(printf '{"cluster": {"chief": [%s], "worker": [%s], "ps": [%s]}, "task": {"type": "%s", "index": %d}}' \
  "$(addresses chief 1)" \
  "$(addresses worker "${JACKTF_WORKERS:?set JACKTF_WORKERS to the worker Job's completions}")" \
  "$(addresses ps "${JACKTF_PS_TASKS:?set JACKTF_PS_TASKS to the ps Job's completions}")" \
  "$job" "$index")
export TF_CONFIG
echo "tf-config.sh: TF_CONFIG=$TF_CONFIG" >&2
exec "$@"
