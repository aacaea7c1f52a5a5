#!/usr/bin/env bash
# Runs pre-commit itself with this repository's hook on a sample repository made here: a
# defective .reg must fail the hook and a clean one must pass it. pre-commit installs the hook
# from a commit, so this tests what is committed (HEAD), not the working tree.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
command -v pre-commit >/dev/null || { echo "pre-commit is not installed (pip install pre-commit)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache"
# The hook's `cargo install` reuses this checkout's release artifacts.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
rev="$(git -C "$repo" rev-parse HEAD)"
cd "$work"
git init -q sample && cd sample
git config user.email ci@example.invalid && git config user.name ci
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $repo
    rev: $rev
    hooks:
      - id: reglint
YAML
printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n"TcpTimedWaitDelay"=dword:0000001e # thirty seconds\r\n' > tweak.reg
printf 'not registry data\n' > notes.txt
git add -A && git commit -qm sample
set +e
pre-commit run --all-files > "$work/bad.log" 2>&1
bad=$?
set -e
if [ "$bad" -eq 0 ] || ! grep -q "REG021" "$work/bad.log"; then
    cat "$work/bad.log"
    echo "pre-commit passed a .reg with a '#' comment after data (exit $bad)" >&2
    exit 1
fi
printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n"TcpTimedWaitDelay"=dword:0000001e ; thirty seconds\r\n' > tweak.reg
git add -A && git commit -qm fixed
if ! pre-commit run --all-files > "$work/good.log" 2>&1; then
    cat "$work/good.log"
    echo "pre-commit failed a clean .reg" >&2
    exit 1
fi
echo "pre-commit hook: a defective .reg fails (REG021), a clean one passes"
