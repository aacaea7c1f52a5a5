#!/usr/bin/env bash
# Times reglint's hive front end against hivexget on the same key, and measures peak memory.
#
#   benches/hive.sh [corpus-dir] [release-dir]
#
# corpus-dir defaults to $REGLINT_CORPUS, else ../shared/corpus. release-dir is a folder holding
# already built `reglint` and `examples/hive_load` (e.g. target/x86_64-unknown-linux-gnu/release); without it
# the script builds them with cargo first.
#
# Needs hyperfine, hivexget (Debian: hyperfine, libhivex-bin) and GNU time (/usr/bin/time).
# When the `reglint check` command is not there yet, the `hive_load` example (which calls
# reglint::hive::load and nothing else) is timed instead.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/release-dir.sh
corpus=${1:-${REGLINT_CORPUS:-../shared/corpus}}
hive="$corpus/hives/regipy/SYSTEM"
dirty="$corpus/hives/regipy/SYSTEM_B"
for tool in hyperfine hivexget /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "benches/hive.sh: $tool is not installed" >&2; exit 2; }
done
[ -f "$hive" ] || { echo "benches/hive.sh: $hive not found (give the corpus folder)" >&2; exit 2; }

release=${2:-}
if [ -z "$release" ]; then
    cargo build --release --quiet --example hive_load
    cargo build --release --quiet --bin reglint
    release="$(release_dir)"
fi
loader="$release/examples/hive_load"
reglint="$release/reglint"
for binary in "$loader" "$reglint"; do
    [ -x "$binary" ] || { echo "benches/hive.sh: $binary is not built" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Side by side in one run; the ratios below are the goals of issue 10 (check at most 0.3 x
# hivexget of the Tcpip key, --control-set all at most 0.5 x).
hyperfine --warmup 5 --min-runs 40 -N --ignore-failure --export-json "$work/times.json" \
    -n hivexget "hivexget '$hive' '\\ControlSet001\\Services\\Tcpip\\Parameters'" \
    -n hive_load "$loader --quiet '$hive'" \
    -n check "$reglint check '$hive'" \
    -n check-all "$reglint check '$hive' --control-set all"
python3 - "$work/times.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
# Means and medians: a shared machine's stalls land in the mean, the median shows the usual run.
for stat in ("mean", "median"):
    runs = {r["command"]: r[stat] for r in results}
    print(f"{stat:>6}s: check / hivexget: {runs['check'] / runs['hivexget']:.2f}x   "
          f"check --control-set all / hivexget: {runs['check-all'] / runs['hivexget']:.2f}x")
PY

echo
echo "peak memory (maximum resident set size, kB):"
size_kb() { echo $(( $(stat -c %s "$1") / 1024 )); }
echo "  hive $hive: $(size_kb "$hive") kB on disk"
for run in "$loader --quiet $hive" "$loader --quiet $dirty" "hivexget $hive \\ControlSet001\\Services\\Tcpip\\Parameters"; do
    # shellcheck disable=SC2086
    rss=$(/usr/bin/time -f %M $run 2>&1 >/dev/null | tail -1)
    echo "  $rss kB  $run"
done
echo "  (SYSTEM_B is $(size_kb "$dirty") kB and is replayed with its two logs)"

# Instructions executed, which the machine's noise does not move (valgrind's cachegrind; Debian:
# valgrind): start-up alone (an 8 KB hive), then the regipy hive.
if command -v valgrind >/dev/null; then
    echo
    echo "instructions executed (valgrind --tool=cachegrind):"
    for run in "$reglint check fixtures/demo/golden-image.SYSTEM" "$reglint check $hive" "$reglint check $hive --control-set all"; do
        # shellcheck disable=SC2086
        refs=$(valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null $run 2>&1 >/dev/null | sed -nE 's/.*I +refs: +([0-9,]+).*/\1/p' || true)
        echo "  $refs  $run"
    done
fi
