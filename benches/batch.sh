#!/usr/bin/env bash
# A batch of 2,000 small .reg files checked in one process with one thread and with two, side
# by side in one hyperfine run (RAYON_NUM_THREADS picks the pool size). The goal of issue 10 is
# two threads at least 1.8 x faster than one.
#
#   benches/batch.sh        (REGLINT=path/to/reglint to skip the build)
#
# The files are generated into a temporary folder from the shipped fixtures, never committed.
# Needs hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "benches/batch.sh: hyperfine is not installed" >&2; exit 2; }
if [ -z "${REGLINT:-}" ]; then
    cargo build --release --quiet --bin reglint
    REGLINT="${CARGO_TARGET_DIR:-target}/release/reglint"
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
hyperfine --warmup 2 --min-runs 10 -N --ignore-failure --export-json "$work/times.json" \
    -n "1 thread" "env RAYON_NUM_THREADS=1 $REGLINT check --no-config --quiet $work" \
    -n "2 threads" "env RAYON_NUM_THREADS=2 $REGLINT check --no-config --quiet $work"
python3 - "$work/times.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
print(f"2 threads are {r['1 thread'] / r['2 threads']:.2f} x faster than 1")
PY
