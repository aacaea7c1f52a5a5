#!/usr/bin/env bash
# Builds reglint for one target and packs the binary with README and LICENSE into
# dist/reglint-VERSION-TARGET.tar.gz (.zip on Windows), with a SHA-256 file beside it.
#   scripts/package.sh [--dry-run] [TARGET]
# --dry-run prints the plan, checks that the release workflow names this script and that every
# target of its matrix is one rustc knows, and builds nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
dry_run=false
if [ "${1:-}" = "--dry-run" ]; then dry_run=true; shift; fi
host="$(rustc -vV | sed -n 's/^host: //p')"
target="${1:-$host}"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
case "$target" in *windows*) exe=reglint.exe; archive=zip ;; *) exe=reglint; archive=tar.gz ;; esac
name="reglint-$version-$target"
if $dry_run; then
    workflow=.github/workflows/release.yml
    grep -q 'scripts/package.sh' "$workflow" || { echo "$workflow does not run scripts/package.sh" >&2; exit 1; }
    known="$(rustc --print target-list)"
    for t in $(sed -n 's/.*target: \([a-z0-9_-]*\) }.*/\1/p' "$workflow"); do
        grep -qx "$t" <<<"$known" || { echo "$workflow: rustc does not know the target $t" >&2; exit 1; }
        echo "plan: $t -> dist/reglint-$version-$t.$( [[ $t == *windows* ]] && echo zip || echo tar.gz )"
    done
    echo "plan for this host: cargo build --release --locked --target $target, then dist/$name.$archive"
    exit 0
fi
cargo build --release --locked --target "$target"
stage="$(mktemp -d)/$name"
mkdir -p "$stage" dist
cp "target/$target/release/$exe" README.md LICENSE "$stage/"
if [ "$archive" = zip ]; then
    (cd "$(dirname "$stage")" && 7z a -tzip "$OLDPWD/dist/$name.zip" "$name" >/dev/null)
else
    tar -C "$(dirname "$stage")" -czf "dist/$name.tar.gz" "$name"
fi
(cd dist && sha256sum "$name.$archive" > "$name.$archive.sha256" 2>/dev/null || shasum -a 256 "$name.$archive" > "$name.$archive.sha256")
echo "dist/$name.$archive"
