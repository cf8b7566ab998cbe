#!/usr/bin/env bash
# Two builds of the server measured at the same time, each under the same co-editing load, so that both
# meet the same machine: on these shared machines one build's CPU per edit drifted by ±13 % between runs
# a minute apart, more than most changes are worth, and runs taken one after another could not tell them
# apart. Each round starts two care-plan benchmarks at once, one against each build (Cairn only, `--plans`
# plans of five editors each), and swaps which is started first from round to round.
#
#   bench/side-by-side.sh <build A> <build B> [rounds=6] [plans=25] [seconds=20]
#
# A build is a copy of `server/dist` inside `server/` (so it finds the same node_modules), e.g. another
# commit's: `git stash; npx turbo run build; cp -r server/dist server/dist-before; git stash pop; npx turbo
# run build`, then `bench/side-by-side.sh server/dist-before server/dist`. Build the bench first
# (`npm run bench` does; or `cd bench && npx tsc -p tsconfig.json`).
set -euo pipefail
cd "$(dirname "$0")/.."
a=$1 b=$2 rounds=${3:-6} plans=${4:-25} seconds=${5:-20}
for build in "$a" "$b"; do [ -f "$build/main.js" ] || { echo "no server build at $build (no main.js)" >&2; exit 1; }; done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

one() { # <build> <log>
  BENCH_CAIRN_DIST="$1" node --max-semi-space-size=64 bench/dist/run.js care-plans --parts cairn --plans "$plans" --seconds "$seconds" --rounds 1 >"$2" 2>&1
}
# "<all threads> <main thread> <ack p50> <ack p99>" from a run's report
figures() {
  local cpu p50 p99
  cpu=$(grep 'server CPU per edit: all threads' "$1" | grep -oE '[0-9]+ / [0-9]+ µs' | tr -d '/µs' | tr -s ' ')
  p50=$(grep 'ack latency p50 (message sent' "$1" | grep -oE '[0-9.]+ ms' | head -1 | tr -d ' ms')
  p99=$(grep 'ack latency p99 (message sent' "$1" | grep -oE '[0-9.]+ ms' | head -1 | tr -d ' ms')
  [ -n "$cpu" ] || { echo "a run failed; its output:" >&2; tail -20 "$1" >&2; exit 1; }
  echo "$cpu $p50 $p99"
}

echo "Side by side: A = $a, B = $b; $rounds rounds of $plans plans × 5 editors each, at once, ${seconds} s measured"
printf '%-6s %-22s %-22s %s\n' round "A: CPU all/main µs" "B: CPU all/main µs" "ack p50 / p99 ms (A; B)"
results=()
for i in $(seq 1 "$rounds"); do
  if [ $((i % 2)) = 1 ]; then
    one "$a" "$out/a.log" & pa=$!; one "$b" "$out/b.log" & pb=$!
  else
    one "$b" "$out/b.log" & pb=$!; one "$a" "$out/a.log" & pa=$!
  fi
  wait $pa $pb
  read -r aall amain ap50 ap99 < <(figures "$out/a.log")
  read -r ball bmain bp50 bp99 < <(figures "$out/b.log")
  results+=("$aall $amain $ball $bmain")
  printf '%-6s %-22s %-22s %s\n' "$i" "$aall / $amain" "$ball / $bmain" "$ap50 / $ap99; $bp50 / $bp99"
done
printf '%s\n' "${results[@]}" | awk -v n="$rounds" '
  { a[NR] = $1; b[NR] = $3; am[NR] = $2; bm[NR] = $4; r[NR] = $3 / $1; if ($3 < $1) lower++ }
  function median(x, k,   i, j, t, y) { for (i = 1; i <= k; i++) y[i] = x[i]; for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (y[j] < y[i]) { t = y[i]; y[i] = y[j]; y[j] = t }; return k % 2 ? y[(k + 1) / 2] : (y[k / 2] + y[k / 2 + 1]) / 2 }
  END {
    printf "median CPU per edit, all threads: A %d µs, B %d µs; main thread: A %d µs, B %d µs\n", median(a, n), median(b, n), median(am, n), median(bm, n)
    printf "B ÷ A per round: median %.3f; B lower in %d of %d rounds\n", median(r, n), lower + 0, n
  }'
