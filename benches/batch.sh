#!/usr/bin/env bash
# A batch of 2,000 small .reg files checked in one process with one thread and with two, side
# by side in one hyperfine run (RAYON_NUM_THREADS picks the pool size). The goal of issue 10 is
# two threads at least 1.8 x faster than one.
#
#   benches/batch.sh        (REGLINT=path/to/reglint to skip the build, ROUNDS=n for n rounds)
#
# The files are generated into a temporary folder from the shipped fixtures, never committed.
# Needs hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/release-dir.sh
command -v hyperfine >/dev/null || { echo "benches/batch.sh: hyperfine is not installed" >&2; exit 2; }
if [ -z "${REGLINT:-}" ]; then
    cargo build --release --quiet --bin reglint
    REGLINT="$(release_dir)/reglint"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Each file is a shipped rule fixture with one line of its own, so no two are the same.
sources=(fixtures/rules/*.reg)
for i in $(seq 0 1999); do
    src=${sources[$(( i % ${#sources[@]} ))]}
    { cat "$src"; printf '\r\n; batch file %d\r\n' "$i"; } > "$work/f$i.reg"
done
echo "inputs: 2000 .reg files, $(du -sh "$work" | cut -f1) in all"
# The machine is shared: its load drifts over seconds, and hyperfine times all runs of one
# command before the next. So the pair is timed side by side in many short rounds (five runs
# of each), each round's ratio is printed, and so is the median of the rounds (ROUNDS=15 by
# default).
rounds=${ROUNDS:-15}
for round in $(seq 1 "$rounds"); do
    hyperfine --warmup 1 --runs 5 -N --ignore-failure --style none \
        --export-json "$work/times-$round.json" \
        -n "1 thread" "env RAYON_NUM_THREADS=1 $REGLINT check --no-config --quiet $work" \
        -n "2 threads" "env RAYON_NUM_THREADS=2 $REGLINT check --no-config --quiet $work" \
        >/dev/null
done
python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
# Each round's ratio of means and of medians: a stall of the shared machine lands in a mean,
# the median shows the usual run.
ratios = {"mean": [], "median": []}
for round in range(1, rounds + 1):
    r = {x["command"]: x for x in json.load(open(f"{work}/times-{round}.json"))["results"]}
    one, two = r["1 thread"], r["2 threads"]
    for stat in ratios:
        ratios[stat].append(one[stat] / two[stat])
    print(f"round {round}: 1 thread {one['mean'] * 1e3:.1f} ms (sd {one['stddev'] * 1e3:.1f}, "
          f"median {one['median'] * 1e3:.1f}), 2 threads {two['mean'] * 1e3:.1f} ms "
          f"(sd {two['stddev'] * 1e3:.1f}, median {two['median'] * 1e3:.1f}): "
          f"{ratios['mean'][-1]:.2f} x by means, {ratios['median'][-1]:.2f} x by medians")
for stat, values in ratios.items():
    print(f"by {stat}s: 2 threads are {statistics.median(values):.2f} x faster than 1 (median of "
          f"{rounds} rounds; lowest {min(values):.2f} x, highest {max(values):.2f} x)")
PY
