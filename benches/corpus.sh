#!/usr/bin/env bash
# One `reglint check` over the whole corpus directory against checking each file in a process
# of its own (the sum of the per-file wall times), on the same machine in one run.
#
#   benches/corpus.sh [corpus-dir]      (default: $REGLINT_CORPUS, else ../shared/corpus)
#
# Needs hyperfine. Exit status 1 and 3 are expected (the corpus is full of findings and damaged
# hives), so failures are ignored by hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/release-dir.sh
corpus=${1:-${REGLINT_CORPUS:-../shared/corpus}}
command -v hyperfine >/dev/null || { echo "benches/corpus.sh: hyperfine is not installed" >&2; exit 2; }
[ -d "$corpus" ] || { echo "benches/corpus.sh: $corpus not found" >&2; exit 2; }
cargo build --release --quiet --bin reglint
reglint=$(realpath "$(release_dir)/reglint")

# The files the directory walk checks: everything but transaction logs.
list=$(mktemp)
trap 'rm -f "$list"' EXIT
find "$corpus" -type f ! -iname '*.log' ! -iname '*.log1' ! -iname '*.log2' | sort > "$list"
echo "files: $(wc -l < "$list") (of $(find "$corpus" -type f | wc -l) in the corpus; logs are read with their hives)"

hyperfine --warmup 1 --min-runs 5 -N --ignore-failure \
    --command-name "one run over the directory" "$reglint check $corpus --no-config" \
    --command-name "one process per file" "bash -c 'while IFS= read -r f; do $reglint check \"\$f\" --no-config >/dev/null 2>&1; done < $list'"
