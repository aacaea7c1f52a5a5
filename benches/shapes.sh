#!/usr/bin/env bash
# Hostile input shapes: for each, times `reglint check` on a size n and on 10n in one hyperfine
# run and prints the ratio of the mean times (linear cost gives about 10; the goal is below 12),
# with the peak memory of each size.
#
#   benches/shapes.sh [shape...]     (default: all; REGLINT=path/to/reglint to skip the build)
#
# Shapes (inputs are generated into a temporary folder, never committed):
#   long-name     one value name of 100 KB / 1 MB under Tcpip\Parameters
#   unknown-names 20k / 200k unknown value names under Tcpip\Parameters
#   allow-dups    2k / 20k repeats of one value, each with its own `; reglint: allow` comment
#   escapes       one string with 8,000 / 80,000 `\q` escapes (16 KB / 160 KB on one line);
#                 also run with --max-findings 0, so every finding reaches the human renderer
#   bad-lines     10k / 100k lines regedit rejects (140 KB / 1.4 MB)
# Needs python3, hyperfine and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/release-dir.sh
for tool in python3 hyperfine /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "benches/shapes.sh: $tool is not installed" >&2; exit 2; }
done
if [ -z "${REGLINT:-}" ]; then
    cargo build --release --quiet --bin reglint
    REGLINT="$(release_dir)/reglint"
fi
shapes=("$@")
[ ${#shapes[@]} -gt 0 ] || shapes=(long-name unknown-names allow-dups escapes bad-lines)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# make SHAPE N FILE: writes the input of SHAPE at size N.
make() {
    python3 - "$1" "$2" "$3" <<'PY'
import sys
shape, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
head = ("Windows Registry Editor Version 5.00\r\n\r\n"
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n")
lines = []
if shape == "long-name":
    lines.append('"%s"=dword:00000001' % ("TcpTimedWaitDelay" * (n // 17 + 1))[:n])
elif shape == "unknown-names":
    lines += ['"PlaceboTweak%07d"=dword:00000001' % i for i in range(n)]
elif shape == "allow-dups":
    for i in range(n):
        lines.append("; reglint: allow REG034 -- generated repeat %d" % i)
        lines.append('"TcpTimedWaitDelay"=dword:%08x' % (30 + i % 200))
elif shape == "escapes":
    lines.append('"Description"="%s"' % ("\\q" * n))
elif shape == "bad-lines":
    lines += ["not a value %d" % (i % 10) for i in range(n)]
else:
    sys.exit("unknown shape " + shape)
with open(path, "w", newline="") as f:
    f.write(head + "\r\n".join(lines) + "\r\n")
PY
}

sizes() {
    case $1 in
        long-name) echo 100000 1000000 ;;
        unknown-names) echo 20000 200000 ;;
        allow-dups) echo 2000 20000 ;;
        escapes) echo 8000 80000 ;;
        bad-lines) echo 10000 100000 ;;
    esac
}

# compare NAME SMALL LARGE [reglint options...]
compare() {
    local name=$1 small=$2 large=$3
    shift 3
    local json="$work/$name.json"
    hyperfine -N --ignore-failure --warmup 1 --min-runs 3 --style none --export-json "$json" \
        -n "$name n" "$REGLINT check $* $small" -n "$name 10n" "$REGLINT check $* $large" >/dev/null
    local out_small out_large
    out_small=$("$REGLINT" check "$@" "$small" 2>/dev/null | wc -c || true)
    out_large=$("$REGLINT" check "$@" "$large" 2>/dev/null | wc -c || true)
    local rss_small rss_large
    rss_small=$( (/usr/bin/time -f %M "$REGLINT" check "$@" "$small" 2>&1 >/dev/null || true) | tail -1)
    rss_large=$( (/usr/bin/time -f %M "$REGLINT" check "$@" "$large" 2>&1 >/dev/null || true) | tail -1)
    python3 - "$json" "$name" "$(stat -c %s "$small")" "$(stat -c %s "$large")" \
        "$rss_small" "$rss_large" "$out_small" "$out_large" <<'PY'
import json, sys
path, name, b1, b2, m1, m2, o1, o2 = sys.argv[1:]
r = json.load(open(path))["results"]
t1, t2 = r[0]["mean"], r[1]["mean"]
print("%-22s n: %8.3f s %6d KB peak %9d B out | 10n: %8.3f s %7d KB peak %10d B out | time ratio %5.1f"
      % (name, t1, int(m1), int(o1), t2, int(m2), int(o2), t2 / t1))
PY
}

echo "reglint: $REGLINT"
for shape in "${shapes[@]}"; do
    read -r n1 n2 < <(sizes "$shape")
    [ -n "${n1:-}" ] || { echo "benches/shapes.sh: unknown shape $shape" >&2; exit 2; }
    make "$shape" "$n1" "$work/$shape-n.reg"
    make "$shape" "$n2" "$work/$shape-10n.reg"
    compare "$shape" "$work/$shape-n.reg" "$work/$shape-10n.reg"
    if [ "$shape" = escapes ]; then
        compare "escapes, all findings" "$work/$shape-n.reg" "$work/$shape-10n.reg" --max-findings 0
    fi
done
