#!/usr/bin/env bash
# The benchmark matrix behind BENCHMARKS.md: one JSON object per run into target/bench/results.jsonl.
# Run it on a quiet machine; compare ratios measured in the same run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/target/bench/results.jsonl"
mkdir -p "$(dirname "$out")"
: > "$out"
jacktf="$root/tools/jacktf"
for precision in fp32 bf16; do
  "$jacktf" bench peak --precision "$precision" --json | tee -a "$out"
  for batch in 8 32; do
    "$jacktf" bench train --batch-size "$batch" --precision "$precision" --steps 5 --json | tee -a "$out"
    "$jacktf" bench head --batch-size "$batch" --precision "$precision" --steps 5 --json | tee -a "$out"
    "$jacktf" bench infer --batch-size "$batch" --precision "$precision" --steps 5 --json | tee -a "$out"
    "$jacktf" bench serve --batch-size "$batch" --precision "$precision" --steps 5 --json | tee -a "$out"
  done
done
"$jacktf" bench pipeline --batch-size 32 --steps 10 --json | tee -a "$out"
"$jacktf" bench restore --steps 5 --json | tee -a "$out"
echo "wrote $out" >&2
