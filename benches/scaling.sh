#!/usr/bin/env bash
# Linear scaling of `reglint check` on .reg text (issue 10): UTF-16LE exports of about 4, 40,
# 160 and 400 MB, timed side by side in one hyperfine run, with the peak memory of each. Time
# and memory per MB should stay about the same from the smallest to the largest.
#
#   benches/scaling.sh [corpus-dir]      (default: $REGLINT_CORPUS, else ../shared/corpus)
#
# The inputs are generated here, never committed: the regipy SYSTEM hive exported by
# hivexregedit, as benches/reg.sh makes it; the larger ones repeat its keys under
# `SYSTEM\CopyN` so that no key is a duplicate. Needs hivexregedit, iconv, hyperfine, GNU time
# and about 1.2 GB of free space in $TMPDIR.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/release-dir.sh
corpus=${1:-${REGLINT_CORPUS:-../shared/corpus}}
hive="$corpus/hives/regipy/SYSTEM"
for tool in hivexregedit iconv hyperfine /usr/bin/time python3; do
    command -v "$tool" >/dev/null || { echo "benches/scaling.sh: $tool is not installed" >&2; exit 2; }
done
[ -f "$hive" ] || { echo "benches/scaling.sh: $hive not found (give the corpus folder)" >&2; exit 2; }
if [ -z "${REGLINT:-}" ]; then
    cargo build --release --quiet --bin reglint
    REGLINT="$(release_dir)/reglint"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
hivexregedit --export --prefix 'HKEY_LOCAL_MACHINE\SYSTEM' "$hive" '\' > "$work/body.reg"
# Writes a UTF-16LE .reg of about $2 MB: the export's keys, cut at a key or repeated.
make() {
    python3 - "$work/body.reg" "$1" "$2" <<'PY'
import sys
body, out, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = open(body, encoding="utf-8").read().split("\n")
header, rest = lines[0], lines[1:]
target = mb * 1024 * 1024 // 2  # UTF-16: two bytes a character (near enough)
with open(out, "wb") as f:
    f.write(b"\xff\xfe")
    f.write((header + "\r\n").encode("utf-16-le"))
    written, copy = 0, 0
    while written < target:
        prefix = "[HKEY_LOCAL_MACHINE\\SYSTEM\\" if copy == 0 else f"[HKEY_LOCAL_MACHINE\\SYSTEM\\Copy{copy}\\"
        for line in rest:
            if line.startswith("[HKEY_LOCAL_MACHINE\\SYSTEM") and written >= target:
                break
            if line.startswith("[HKEY_LOCAL_MACHINE\\SYSTEM\\"):
                line = prefix + line[len("[HKEY_LOCAL_MACHINE\\SYSTEM\\"):]
            text = line + "\r\n"
            f.write(text.encode("utf-16-le"))
            written += len(text)
        copy += 1
PY
}
sizes=(4 40 160 400)
for mb in "${sizes[@]}"; do make "$work/in$mb.reg" "$mb"; done
args=()
for mb in "${sizes[@]}"; do args+=(-n "$mb MB" "$REGLINT check --no-config --quiet $work/in$mb.reg"); done
hyperfine --warmup 1 --min-runs 3 -N --ignore-failure --export-json "$work/times.json" "${args[@]}"
for mb in "${sizes[@]}"; do
    /usr/bin/time -f "%M" -o "$work/rss$mb" "$REGLINT" check --no-config --quiet "$work/in$mb.reg" >/dev/null 2>&1 || true
done
python3 - "$work" "${sizes[@]}" <<'PY'
import json, os, sys
work, sizes = sys.argv[1], sys.argv[2:]
times = {r["command"]: r["mean"] for r in json.load(open(f"{work}/times.json"))["results"]}
base = None
for mb in sizes:
    size = os.path.getsize(f"{work}/in{mb}.reg") / 1e6
    t = times[f"{mb} MB"]
    rss = int(open(f"{work}/rss{mb}").read().split()[-1]) * 1024 / 1e6
    per = t / size * 1000
    base = base or per
    print(f"{size:7.1f} MB: {t * 1000:8.1f} ms ({per:.2f} ms/MB, {per / base:.2f} x the smallest's), peak {rss:6.1f} MB ({rss / size:.2f} x the file)")
PY
