#!/usr/bin/env bash
# Validates reglint's `--format sarif` output with Microsoft's SARIF Multitool, the validator
# behind the SARIF validation GitHub code scanning recommends.
#
#   scripts/validate-sarif.sh [TOOL_DIR]
#
# Installs the Multitool from npm into TOOL_DIR (kept, so a second run reuses it) or into a
# temporary directory, runs reglint on the demo and on .reg fixtures, validates each log and
# exits non-zero if the validator reports any error, or reports nothing at all (see below).
# Warnings and notes are printed but do not fail the run.
set -euo pipefail
cd "$(dirname "$0")/.."

MULTITOOL_PACKAGE="@microsoft/sarif-multitool-linux"
MULTITOOL_VERSION="5.7.0"

work="$(mktemp -d)"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

tool_dir="${1:-$work/tool}"
mkdir -p "$tool_dir"
tool_dir="$(cd "$tool_dir" && pwd)"
package_dir="$tool_dir/node_modules/$MULTITOOL_PACKAGE"
multitool="$package_dir/Sarif.Multitool"

installed_version() {
    node -p "require('$package_dir/package.json').version" 2>/dev/null || true
}
if [ ! -f "$multitool" ] || [ "$(installed_version)" != "$MULTITOOL_VERSION" ]; then
    echo "== installing $MULTITOOL_PACKAGE@$MULTITOOL_VERSION into $tool_dir"
    npm install --prefix "$tool_dir" --no-audit --no-fund --loglevel=error \
        "$MULTITOOL_PACKAGE@$MULTITOOL_VERSION"
fi
# The package's postinstall script does this, but npm may be set not to run install scripts.
chmod u+x "$multitool"
# The bundled .NET runtime needs ICU unless told to run without it; the validator has no use
# for culture data.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1

echo "== building reglint"
# Cargo says where it put the binary (target/<host tuple>/debug with .cargo/config.toml).
reglint="$(cargo build --locked --quiet --bin reglint --message-format json | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
        const built = s.split("\n").filter(l => l.trim()).map(l => JSON.parse(l))
            .find(m => m.reason === "compiler-artifact" && m.target.name === "reglint"
                && m.executable);
        console.log(built ? built.executable : "");
    });')"
[ -x "$reglint" ] || { echo "scripts/validate-sarif.sh: cargo built no reglint binary" >&2; exit 1; }

# name, then the inputs to check together.
cases=(
    "demo fixtures/demo"
    "reg-cases fixtures/reg/A-hex-width-utf16.reg fixtures/reg/C-04.reg fixtures/reg/H-03.reg fixtures/rules/REG034.fires.reg fixtures/rules/TCP010.fires.reg"
    "reg-all fixtures/reg"
    "apply fixtures/demo/golden-image.SYSTEM --apply fixtures/demo/tcpip-tuning.reg"
)

failed=0
for case in "${cases[@]}"; do
    read -r name inputs <<<"$case"
    log="$work/$name.sarif"
    # shellcheck disable=SC2086 # the inputs are word-split on purpose
    set +e
    "$reglint" check $inputs --format sarif >"$log"
    status=$?
    set -e
    # 0: clean, 1: findings (expected: the fixtures are full of them); anything else is a failure.
    if [ "$status" -gt 1 ]; then
        echo "$name: reglint exited with status $status" >&2
        failed=1
        continue
    fi
    verdict="$work/$name.validation.sarif"
    "$multitool" validate "$log" --level "Error;Warning;Note" \
        --output "$verdict" --log ForceOverwrite >"$work/$name.console" 2>&1 || true
    echo "== $name: reglint check $inputs --format sarif (exit $status)"
    grep -E ': (error|warning) ' "$work/$name.console" | sed "s|$work/||" || true
    # Counted from the validator's own SARIF log, since its exit status is 0 even with errors.
    # A log that could not be read at all (an enum value outside the schema, for one) yields no
    # results and no message, as if it were perfect; every real reglint log draws at least the
    # informational notes (SARIF2002 and the like), so an empty verdict counts as a failure.
    if ! node - "$verdict" "$name" <<'JS'
const [verdictPath, name] = process.argv.slice(2);
const log = JSON.parse(require("fs").readFileSync(verdictPath, "utf8").replace(/^\uFEFF/, ""));
const counts = { error: 0, warning: 0, note: 0 };
for (const run of log.runs || []) {
    for (const result of run.results || []) {
        const level = result.level || "warning";
        counts[level] = (counts[level] || 0) + 1;
    }
}
const total = counts.error + counts.warning + counts.note;
console.log(`${name}: ${counts.error} errors, ${counts.warning} warnings, ${counts.note} notes`);
if (total === 0) {
    console.error(`${name}: the validator reported nothing at all, so it probably could not read the log`);
    process.exit(1);
}
process.exit(counts.error > 0 ? 1 : 0);
JS
    then
        failed=1
    fi
done

if [ "$failed" -ne 0 ]; then
    echo "SARIF validation failed" >&2
    exit 1
fi
echo "SARIF validation passed: no errors"
