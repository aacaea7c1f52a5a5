#!/usr/bin/env python3
"""One-off import of the team's fact catalog (../shared/reference/tcpip-values.toml) into
rules/values/, one file per registry value. Rerun after the shared catalog changes; review the
diff like code. The files are then the source of truth the binary embeds."""
import sys, tomllib, pathlib

src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference/tcpip-values.toml")
out = pathlib.Path(__file__).resolve().parent.parent / "rules" / "values"
data = tomllib.loads(src.read_text())

def q(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'

def arr(xs):
    return "[" + ", ".join(q(x) for x in xs) + "]"

for v in data["value"]:
    lines = [f"# {v['name']}: imported from the shared TCP/IP fact catalog; see scripts/import-catalog.py", ""]
    lines.append(f"name = {q(v['name'])}")
    # Catalog entries like "EnablePMTUBDetect (common misspelling, no effect)" name spellings
    # Windows does NOT read; keep them apart from real aliases.
    real = [a for a in v['aliases'] if " " not in a]
    wrong = [a for a in v['aliases'] if " " in a]
    lines.append(f"aliases = {arr(real)}")
    lines.append(f"misspellings = {arr(a.split(' ')[0] for a in wrong)}")
    lines.append(f"misspelling_notes = {arr(a.split(' ', 1)[1].strip('()') for a in wrong)}")
    lines.append(f"group = {q(v['group'])}")
    lines.append(f"key = {q(v['key'])}")
    lines.append(f"key_alternatives = {arr(v['key_alternatives'])}")
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
    (out / f"{v['name']}.toml").write_text("\n".join(lines) + "\n")

src_lines = ["# Sources cited by the value files, imported from the shared catalog.", ""]
for s in data["source"]:
    src_lines += ["[[source]]", f"id = {q(s['id'])}", f"title = {q(s['title'])}", f"url = {q(s['url'])}", f"kind = {q(s['kind'])}", ""]
(out.parent / "sources.toml").write_text("\n".join(src_lines))
print(f"wrote {len(data['value'])} value files and {len(data['source'])} sources")
