#!/usr/bin/env bash
# Times `reglint check` on a ~40 MB UTF-16LE .reg and measures its peak memory.
#
#   benches/reg.sh [corpus-dir]      (default: $REGLINT_CORPUS, else ../shared/corpus)
#
# The input is generated here, never committed: the whole regipy SYSTEM hive (Windows 7,
# 11 MB) exported by hivexregedit (an independent reader), with CRLF line ends, re-encoded as
# UTF-16LE with a byte-order mark, as regedit writes it. Needs hivexregedit (Debian:
# libwin-hivex-perl), iconv, hyperfine and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/release-dir.sh
corpus=${1:-${REGLINT_CORPUS:-../shared/corpus}}
hive="$corpus/hives/regipy/SYSTEM"
for tool in hivexregedit iconv hyperfine /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "benches/reg.sh: $tool is not installed" >&2; exit 2; }
done
[ -f "$hive" ] || { echo "benches/reg.sh: $hive not found (give the corpus folder)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
input="$work/SYSTEM-utf16.reg"
{
    printf '\xff\xfe'
    hivexregedit --export --prefix 'HKEY_LOCAL_MACHINE\SYSTEM' "$hive" '\' | sed 's/$/\r/' | iconv -f UTF-8 -t UTF-16LE
} > "$input"
bytes=$(stat -c %s "$input")
echo "input: $bytes bytes of UTF-16LE ($(( bytes / 1024 / 1024 )) MiB), $(grep -c . "$hive" >/dev/null 2>&1; echo exported from "$hive")"

cargo build --release --quiet --bin reglint --example reg_floor
reglint="$(release_dir)/reglint"
floor="$(release_dir)/examples/reg_floor"

# Side by side in one run: reglint, the floor (benches/floor.rs: streaming decode and parse
# into keys and values, nothing else) and iconv (decode only). Exit status 1 (findings) is
# expected of reglint; anything else is a failure of the benchmark.
hyperfine --warmup 2 --min-runs 10 -N --ignore-failure --export-json "$work/times.json" \
    -n reglint "$reglint check $input" \
    -n floor "$floor $input" \
    -n iconv "iconv -f UTF-16LE -t UTF-8 $input -o /dev/null"
python3 - "$work/times.json" <<'PY'
import json, sys
runs = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
print(f"reglint / floor: {runs['reglint'] / runs['floor']:.2f}x   reglint / iconv: {runs['reglint'] / runs['iconv']:.2f}x")
PY

for name in reglint floor; do
    if [ "$name" = reglint ]; then cmd=("$reglint" check "$input"); else cmd=("$floor" "$input"); fi
    # reglint exits 1 on findings; GNU time's last line is the peak RSS either way.
    rss_kb=$({ /usr/bin/time -f %M "${cmd[@]}" 2>&1 >/dev/null || true; } | tail -1)
    echo "$name peak memory: $rss_kb kB = $(awk -v r="$rss_kb" -v b="$bytes" 'BEGIN { printf "%.2f", r * 1024 / b }') x the input size"
done
