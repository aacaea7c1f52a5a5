#!/usr/bin/env python3
"""Imports the team's fact catalog (../shared/reference/tcpip-values.toml) into rules/values/, one
file per registry value, and rules/sources.toml. This is the one way those files are made: rerun it
after the shared catalog changes and review the diff like code. The files are then the source of
truth the binary embeds (build.rs).

The catalog writes places as prose ("Tcpip6\\Parameters (IPv6 stack, Vista+; ...)",
"(SOFTWARE hive) Policies\\...", "Tcpip\\Parameters (wrong: ... no effect)"). Each one is split
here into a scope, a path and a note, and marked as a place Windows reads (`reads = true`) or a
wrong place tweak files use (`reads = false`), so that no rule has to parse prose."""
import sys, tomllib, pathlib

src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference/tcpip-values.toml")
out = pathlib.Path(__file__).resolve().parent.parent / "rules" / "values"
data = tomllib.loads(src.read_text())


def q(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def arr(xs):
    return "[" + ", ".join(q(x) for x in xs) + "]"


SCOPES = {"(user hive) ": "user", "(SOFTWARE hive) ": "software"}

# Notes that mark a place where nothing reads the value.
WRONG_MARKS = ("wrong", "irrelevant to NT", "also seen in tweak files", "not seen in any source")


def place(text, primary):
    """One catalog place as (scope, path, note, reads)."""
    scope = "system"
    for prefix, name in SCOPES.items():
        if text.startswith(prefix):
            scope, text = name, text[len(prefix):]
    if text.startswith("("):
        # "(none - ...)", "(unknown - ...)", "(no documented Tcpip location) - ...": no path.
        return "none", "", text.strip(), False
    path, _, note = text.partition(" (")
    note = note[:-1] if note.endswith(")") else note
    path = path.strip()
    if scope == "system" and path.startswith("Control\\"):
        # Relative to the control set root, not to Services.
        scope = "control"
    reads = primary or not any(mark in note for mark in WRONG_MARKS)
    return scope, path, note.strip(), reads


for v in data["value"]:
    lines = [f"# {v['name']}: imported from the shared TCP/IP fact catalog by scripts/import-catalog.py", ""]
    lines.append(f"name = {q(v['name'])}")
    # Catalog entries like "EnablePMTUBDetect (common misspelling, no effect)" name spellings
    # Windows does NOT read; keep them apart from real aliases.
    real = [a for a in v["aliases"] if " " not in a]
    wrong = [a for a in v["aliases"] if " " in a]
    lines.append(f"aliases = {arr(real)}")
    lines.append(f"misspellings = {arr(a.split(' ')[0] for a in wrong)}")
    lines.append(f"misspelling_notes = {arr(a.split(' ', 1)[1].strip('()') for a in wrong)}")
    lines.append(f"group = {q(v['group'])}")
    primary = place(v["key"], True)
    alternatives = [place(k, False) for k in v["key_alternatives"]]
    # `key` and `key_alternatives`: the places below Services that Windows reads.
    lines.append(f"key = {q(primary[1] if primary[0] == 'system' else '')}")
    lines.append(f"key_text = {q(v['key'])}")
    lines.append(
        "key_alternatives = "
        + arr(p for s, p, _, r in alternatives if s == "system" and r)
    )
    lines.append(f"type = {q(v['type'])}")
    lines.append(f"unit = {q(v['unit'])}")
    lines.append(f"default = {q(v['default'])}")
    dbo = ", ".join(f"{q(k)} = {q(x)}" for k, x in v["default_by_os"].items())
    lines.append(f"default_by_os = {{ {dbo} }}")
    lines.append(f"min = {v['min']}")
    lines.append(f"max = {v['max']}")
    lines.append(f"range_known = {'true' if v['range_known'] else 'false'}")
    lines.append(f"honoured = {arr(v['os_honoured'])}")
    lines.append(f"ignored_from = {q(v['os_ignored_from'])}")
    lines.append(f"superseded_by = {q(v['superseded_by'])}")
    lines.append(f"evidence = {q(v['evidence'])}")
    lines.append(f"confidence = {q(v['confidence'])}")
    lines.append(f"sources = {arr(v['sources'])}")
    lines.append(f"facts = {q(v['notes'])}")
    lines.append(f"lint_hints = {arr(v.get('lint_hints', []))}")
    for scope, path, note, reads in [primary] + alternatives:
        if scope == "none":
            continue
        lines += ["", "[[place]]", f"scope = {q(scope)}", f"path = {q(path)}", f"note = {q(note)}",
                  f"reads = {'true' if reads else 'false'}"]
    (out / f"{v['name']}.toml").write_text("\n".join(lines) + "\n")

src_lines = ["# Sources cited by the value files, imported from the shared catalog by scripts/import-catalog.py.", ""]
for s in data["source"]:
    src_lines += ["[[source]]", f"id = {q(s['id'])}", f"title = {q(s['title'])}", f"url = {q(s['url'])}", f"kind = {q(s['kind'])}", ""]
(out.parent / "sources.toml").write_text("\n".join(src_lines))
print(f"wrote {len(data['value'])} value files and {len(data['source'])} sources")
