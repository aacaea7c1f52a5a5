#!/usr/bin/env python3
"""Markdown for $GITHUB_STEP_SUMMARY from a `reglint check --format json` report: totals, then
the count of findings per code and severity, and the inputs that could not be read in full."""
import collections
import json
import sys


def main(path):
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    diagnostics = report.get("diagnostics", [])
    summary = report.get("summary", {})
    print("## reglint")
    print()
    print(
        f"{summary.get('inputs', 0)} inputs checked: {summary.get('errors', 0)} errors, "
        f"{summary.get('warnings', 0)} warnings, {summary.get('infos', 0)} infos"
    )
    counts = collections.Counter((d.get("code"), d.get("severity")) for d in diagnostics)
    if counts:
        print()
        print("| code | severity | findings |")
        print("| --- | --- | ---: |")
        for (code, severity), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"| {code} | {severity} | {n} |")
    broken = [i for i in report.get("inputs", []) if i.get("incomplete") or i.get("error")]
    if broken:
        print()
        print("Inputs not read in full:")
        for i in broken:
            print(f"- `{i.get('path')}`: {i.get('error') or 'incomplete'}")


if __name__ == "__main__":
    main(sys.argv[1])
