#!/usr/bin/env bash
# Two builds of the server measured at the same time, under the same load, so that both meet the same
# machine: on these shared machines one build's CPU per edit drifted by ±13 % between runs a minute apart,
# and one build's reconnect storm at 5,000 subscribers took 4.7 to 7.4 s within an hour, more than most
# changes are worth; runs taken one after another could not tell them apart. Each round starts two
# benchmarks at once, one against each build, and swaps which is started first from round to round.
#
#   bench/side-by-side.sh <build A> <build B> [rounds=6] [plans=25] [seconds=20]
#     care-plan edits: `plans` plans of five editors per build (Cairn only), `seconds` measured.
#   bench/side-by-side.sh --storm <build A> <build B> [rounds=6] [subscribers=2500] [in flight=250]
#     the reconnect storm alone: the two runs wait for each other before disconnecting and again once both
#     servers have restarted (FANOUT_STORM_BARRIER); by default each has half the subscribers and half the
#     handshakes in flight of the target's storm, so the two together load the machine about as one does.
#
# A build is a copy of `server/dist` inside `server/` (so it finds the same node_modules), e.g. another
# commit's: `git stash; npx turbo run build; cp -r server/dist server/dist-before; git stash pop; npx turbo
# run build`, then `bench/side-by-side.sh server/dist-before server/dist`. A copy that holds a node-flags.json
# runs with those flags rather than server/node-flags.json's (a trial of V8 flags). Build the bench first
# (`npm run bench` does; or `cd bench && npx tsc -p tsconfig.json`).
set -euo pipefail
cd "$(dirname "$0")/.."
storm=false
if [ "${1:-}" = --storm ]; then storm=true; shift; fi
a=$1 b=$2 rounds=${3:-6}
for build in "$a" "$b"; do [ -f "$build/main.js" ] || { echo "no server build at $build (no main.js)" >&2; exit 1; }; done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

if $storm; then
  n=${4:-2500} inflight=${5:-250}
  one() { # <build> <log> <round>
    BENCH_CAIRN_DIST="$1" FANOUT_STORM_BARRIER="$out/barrier-$3" FANOUT_SIZES="$n" FANOUT_STORM_CONCURRENCY="$inflight" FANOUT_TARGETS=cairn \
      FANOUT_PHASES=storm FANOUT_CATCHUP=0 FANOUT_CROSS_INSTANCE=0 node --max-semi-space-size=64 bench/dist/run.js fanout >"$2" 2>&1
  }
  # "<storm ms> <server CPU ms>": ready → all live and caught up, and the server's CPU meanwhile
  figures() {
    grep -oE 'storm of [0-9]+: ready → all live and caught up [0-9]+ ms, server CPU [0-9]+ ms' "$1" | grep -oE '[0-9]+ ms' | tr -d ' ms' | tr '\n' ' '
  }
  echo "Storms side by side: A = $a, B = $b; $rounds rounds of $n subscribers per build, $inflight handshakes in flight each, at once"
  columns=("storm / server CPU ms" "storm (ms)" "server CPU in the storm (ms)" "B shorter" "B lower")
else
  plans=${4:-25} seconds=${5:-20}
  one() { # <build> <log> <round>
    BENCH_CAIRN_DIST="$1" node --max-semi-space-size=64 bench/dist/run.js care-plans --parts cairn --plans "$plans" --seconds "$seconds" --rounds 1 >"$2" 2>&1
  }
  # "<CPU per edit, all threads µs> <main thread µs> <ack p50 ms> <ack p99 ms>"
  figures() {
    local cpu p50 p99
    cpu=$(grep 'server CPU per edit: all threads' "$1" | grep -oE '[0-9]+ / [0-9]+ µs' | tr -d '/µs' | tr -s ' ')
    p50=$(grep 'ack latency p50 (message sent' "$1" | grep -oE '[0-9.]+ ms' | head -1 | tr -d ' ms')
    p99=$(grep 'ack latency p99 (message sent' "$1" | grep -oE '[0-9.]+ ms' | head -1 | tr -d ' ms')
    [ -n "$cpu" ] && echo "$cpu $p50 $p99"
  }
  echo "Side by side: A = $a, B = $b; $rounds rounds of $plans plans × 5 editors each, at once, ${seconds} s measured"
  columns=("CPU per edit all/main µs (ack p50/p99 ms)" "CPU per edit, all threads (µs)" "CPU per edit, main thread (µs)" "B lower" "B lower")
fi

# A run's figures, or its output's tail and a failure when it has none.
figures_of() {
  local f
  f=$(figures "$1" || true)
  [ -n "${f// /}" ] || { echo "a run failed; its output:" >&2; tail -20 "$1" >&2; return 1; }
  echo "$f"
}
show() { # <figures…>: one build's cell in a round's row
  if $storm; then echo "$1 / $2"; else echo "$1 / $2 ($3 / $4)"; fi
}

printf '%-6s %-44s %-44s\n' round "A: ${columns[0]}" "B: ${columns[0]}"
results=()
for i in $(seq 1 "$rounds"); do
  if [ $((i % 2)) = 1 ]; then
    one "$a" "$out/a.log" "$i" & pa=$!; one "$b" "$out/b.log" "$i" & pb=$!
  else
    one "$b" "$out/b.log" "$i" & pb=$!; one "$a" "$out/a.log" "$i" & pa=$!
  fi
  wait $pa $pb
  af=$(figures_of "$out/a.log") || exit 1
  bf=$(figures_of "$out/b.log") || exit 1
  read -r -a A <<<"$af"
  read -r -a B <<<"$bf"
  results+=("${A[0]} ${A[1]} ${B[0]} ${B[1]}")
  printf '%-6s %-44s %-44s\n' "$i" "$(show "${A[@]}")" "$(show "${B[@]}")"
done
# The first two figures of each build: medians, B ÷ A per round and how often B was below A.
printf '%s\n' "${results[@]}" | awk -v n="$rounds" -v first="${columns[1]}" -v second="${columns[2]}" -v lower1="${columns[3]}" -v lower2="${columns[4]}" '
  { a1[NR] = $1; a2[NR] = $2; b1[NR] = $3; b2[NR] = $4; r1[NR] = $3 / $1; r2[NR] = $4 / $2; if ($3 < $1) l1++; if ($4 < $2) l2++ }
  function median(x, k,   i, j, t, y) { for (i = 1; i <= k; i++) y[i] = x[i]; for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (y[j] < y[i]) { t = y[i]; y[i] = y[j]; y[j] = t }; return k % 2 ? y[(k + 1) / 2] : (y[k / 2] + y[k / 2 + 1]) / 2 }
  END {
    printf "median %s: A %d, B %d; B ÷ A per round %.3f, %s in %d of %d rounds\n", first, median(a1, n), median(b1, n), median(r1, n), lower1, l1 + 0, n
    printf "median %s: A %d, B %d; B ÷ A per round %.3f, %s in %d of %d rounds\n", second, median(a2, n), median(b2, n), median(r2, n), lower2, l2 + 0, n
  }'
