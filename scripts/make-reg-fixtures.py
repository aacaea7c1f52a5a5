#!/usr/bin/env python3
"""Writes fixtures/reg/<ID>.reg, one file per case of ../shared/reference/reg-format.md.

The cases are written here from the descriptions in that document (no Wine test text is copied).
Most files are ASCII with CRLF, like regedit's own files; the encoding cases say otherwise.
Rerunning overwrites the files; their snapshots in tests/snapshots must then be reviewed."""
import pathlib

OUT = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "reg"
V5 = "Windows Registry Editor Version 5.00"
KEY = r"[HKEY_CURRENT_USER\Software\reglint]"

def body(*lines, header=V5, key=True):
    out = [header, ""]
    if key:
        out.append(KEY)
    out.extend(lines)
    return out

CASES = {
    # A. header and encoding
    "H-01": body('"Wine"="REGEDIT4 header"', header="REGEDIT4"),
    "H-02": body('"Wine"="version 5 header in an 8-bit file"'),
    "H-03": body('"Wine"="lower case header"', header="regedit4"),
    "H-04": ["REGEDIT", r"HKEY_CLASSES_ROOT\reglint = Windows 3.1 default value"],
    "H-05": body('"Wine"="fuzzy header"', header="REGEDIT5"),
    "H-06": body('"Wine"="prefixed header"', header="AREGEDIT4"),
    "H-07": body('"Wine"="indented header"', header="  \tREGEDIT4"),
    "H-08": [""] + body('"Wine"="blank line before the header"'),
    "H-09": body('"Wine"="version 4.00"', header="Windows Registry Editor Version 4.00"),
    "H-10": body('"Wine"="version 5"', header="Windows Registry Editor Version 5"),
    "H-11": body('"Wine"="upper case"', header="WINDOWS REGISTRY EDITOR VERSION 5.00"),
    "H-12": [V5],
    "H-13": [V5, KEY, '"Wine"="no blank line after the header"'],
    "H-19": body('"Wine"="comment after the header"', header=V5 + " ;comment"),
    # B. line endings
    "L-02": body('"Wine"="no final newline"'),
    "L-03": body('"Wine1"="first"', "", "", '"Wine2"="same key after blank lines"'),
    # C. whitespace
    "W-01": [V5, "", "  \t" + KEY, '"Wine"="indented key line"'],
    "W-02": body('  \t"Wine"="indented value line"', '\t@="indented default"'),
    "W-03": body('"Wine1"   =   "spaces around equals"', '@  =  "v"', '\t"Wine2"\t=\tdword:\t00000008\t'),
    "W-04": body('"Wine"=dword:  00000008'),
    "W-05": body('"  Wine  "="  spaces kept  "'),
    "W-06": body('"Wine"="trailing blanks"  \t', '"Wine2"=dword:00000001   '),
    "W-07": [V5, "", r"[ HKEY_CURRENT_USER\Software\reglint]", '"Wine"="dropped"', r"[\tHKEY_CURRENT_USER\Software\reglint]".replace("\\t", "\t")],
    "W-07-open": body('"Wine1"="kept"', r"[ HKEY_CURRENT_USER\Software\reglint\Sub]", '"Wine2"="lands in the key above"'),
    "W-08": [V5, "", r"[HKEY_CURRENT_USER\Software\reglint\Sub ]", '"Wine"="in a key whose name ends in a space"'],
    # D. comments
    "C-01": body("; a comment", "# also a comment", "  ; indented comment", '"Wine"="after comments"'),
    "C-02": body("; a comment that ends in a backslash \\", '"Wine"="read normally"'),
    "C-03": body('"Wine1"="v";comment', '"Wine2"="v"  ;comment'),
    "C-04": body('"Wine1"="v"#comment', '"Wine2"="v"  #comment'),
    "C-05": body('"Wine1"=dword:02040608 ;c', '"Wine2"=dword:00000004;c'),
    "C-06": body('"Wine1"=dword:01020304 #c', '"Wine2"=dword:00000003#c'),
    "C-07": body('"Wine"=dword:1234;5678'),
    "C-08": body('"Wine"=dword:1234#5678'),
    "C-09": body('"Wine"=hex:01,02,03  ;comment'),
    "C-10": body('"Wine"=hex:01,02,03  #comment'),
    "C-11": body('"Wine1"=#"v"', '"Wine2"=;"v"'),
    "C-12": body('"Wine1"="v;x"', '"Wine2"="#x"'),
    "C-13": body('"a"="1"#"b"="2"', '"c"="3";"d"="4"'),
    # E. key lines
    "K-01": [V5, "", r"[hkey_CURRENT_user\Software\reglint]", '"Wine1"="any case"', r"[HkEy_CuRrEnT_uSeR\Software\reglint]", '"Wine2"="same key"'],
    "K-02": [V5, "", KEY, '"Wine1"="kept"', r"[HKEY_CURRENT_USERS\Software\reglint]", '"Wine2"="dropped, not applied to the previous key"'],
    "K-03": [V5, "", r"HKEY_CURRENT_USER\Software\reglint]", '"Wine"="no key open"'],
    "K-04": [V5, "", r"[HKEY_CURRENT_USER\Software\reglint", '"Wine"="dropped"'],
    "K-04-open": body('"Wine1"="kept"', r"[HKEY_CURRENT_USER\Software\reglint\Sub", '"Wine2"="lands in the key above"'),
    "K-05": [V5, "", r"[HKEY_CURRENT_USER\Software\\", r"reglint]", '"Wine"="dropped"'],
    "K-06": [V5, "", r'[HKEY_CURRENT_USER\Software\reglint\Sub"1]', r"[HKEY_CURRENT_USER\Software\reglint\https://host]", '"Wine"="literal characters in key names"'],
    "K-07": [V5, "", r"[HKEY_CURRENT_USER\Software\reglint] trailing text", '"Wine"="key up to the last ]"'],
    "K-08": [V5, "", r"[HKEY_CURRENT_USER\Software\reglint\\]", r"[HKEY_CURRENT_USER\Software\\reglint\\\\]", '"Wine"="separators collapse"'],
    "K-09": [V5, "", r"[HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters]", '"MaxUserPort"=dword:0000fffe'],
    # F. deletion
    "D-01": [V5, "", r"[-HKEY_CURRENT_USER\Software\reglint]"],
    "D-02": [V5, "", r"[ -HKEY_CURRENT_USER\Software\reglint]", r"[- HKEY_CURRENT_USER\Software\reglint]"],
    "D-03": [V5, "", r"[-hkey_current_user\SOFTWARE\REGLINT]"],
    "D-04": [V5, "", r"[-HKEY_CURRENT_USER\Software\reglint]", '"Wine1"="not applied"', '"Wine2"="not applied"'],
    "D-05": body('"Wine1"=-', '"Wine2"=  -', '"Wine3"=  \t-\t  '),
    "D-06": body('"Wine"=- ;comment'),
    "D-07": body('"Wine"=- #comment'),
    "D-08": body('"Wine"=-"x"'),
    # G. value names
    "N-01": body('@="default value"'),
    "N-02": body('""="also the default value"'),
    "N-03": body(r'"a\"b"="escaped quote"', r'"Wine\\31"="escaped backslash"'),
    "N-04": body("\"a'b=c;d/e\"=\"literal characters in a name\""),
    "N-05": body('Wine1="unquoted"', 'Wine2"="missing opening quote"', '"Wine3="missing closing quote"', '"MixedQuotes=x"'),
    "N-06": body('"Wine\\', 'Name"="split name"'),
    # H. string data
    "S-01": body('"Wine"=""'),
    "S-02": body('"Wine"='),
    "S-03": body('"Wine1"="no closing quote', '"Wine2"=no quotes'),
    "S-04": body('"Wine1"="foo"bar"', '"Wine2"="foo""bar"'),
    "S-05": body(r'"Wine"="a\"b\\c"'),
    "S-06": body(r'"Wine"="\\0 is a backslash and a zero"'),
    "S-07": body(r'"Wine"="a\0b"'),
    "S-08": body(r'"Wine1"="line\nbreak"', r'"Wine2"="odd\qescape"'),
    "S-09": body('"Wine"="continued \\', 'string"'),
    "S-10": body('"Wine"="  spaces kept  "'),
    # I. dword
    "DW-01": body('"Wine1"=dword:1', '"Wine2"=dword:4444'),
    "DW-02": body('"Wine1"=dword:', '"Wine2"=dword:hello'),
    "DW-03": body('"Wine"=dword:000000001'),
    "DW-04": body('"Wine1"=dword:0x12', '"Wine2"=dword:123 456', '"Wine3"=dword:12345678abc', '"Wine4"=dword:12345678 abc'),
    "DW-05": body('"Wine"=dword:1234\\', '5678'),
    "DW-06": body('"Wine1"=DWORD:00000001', '"Wine2"=HEX:01', '"Wine3"=Hex(2):41,00'),
    # J. hex
    "X-01": body('"Wine"=hex:01,02,ff'),
    "X-02": body('"Wine1"=hex(10):01', '"Wine2"=hex(7fff):01', '"Wine3"=hex(abcd):01'),
    "X-03": body('"Wine1"=hex(100000000):01', '"Wine2"=hex(0x2):01', '"Wine3"=hex(0X2):01', '"Wine4"=hex(x2):01'),
    "X-04": body('"Wine1"=hex:01,100', '"Wine2"=hex:1a4'),
    "X-05": body('"Wine"=hex:01,02,'),
    "X-06": body('"Wine1"=hex:', '"Wine2"=hex(0):', '"Wine3"=hex(1):', '"Wine4"=hex(2):', '"Wine5"=hex(4):', '"Wine6"=hex(7):', '"Wine7"=hex(abcd):'),
    "X-07": body('"Wine1"=hex(2):4c,69,6e,65', '"Wine2"=hex(7):4c,69,6e,65,00'),
    "X-08": body('"Wine1"=hex(0):01,02', '"Wine2"=hex(100):01,02'),
    "X-09": body('"Wine"=hex(1):41,00,00,00,42,00,00,00'),
    "X-10": body('"Wine"=hex(4):08,00,00,00'),
    "X-11": body('"Wine"=hex(4):00'),
    "X-12": body('"Wine"=hex(b):01,02,03,04'),
    "A-hex-width": body('"Wine"=hex(2):25,00,50,00,41,00,54,00,48,00,25,00,00,00'),
    # K. continuations
    "G-01": body('"Wine"=hex(2):4c,69,6e,65,20,\\', '  63,6f,6e,63,61,74,\\', '  65,6e,61,74,69,6f,6e,00'),
    "G-02": body('"Wine"=hex:01,02,  \\', '  03,04,\t\\', '  05'),
    "G-03": body('"Wine"=hex:01,02,\\;comment', '  03,04,  \\  ;comment', '  05'),
    "G-04": body('"Wine"=hex:01,02,\\#comment', '  03'),
    "G-05": body('"Wine"=hex:01,02\\', '  03', '"Next"="read as a new line"'),
    "G-06": body('"Wine1"=hex:01,02,\\', ',03', '"Wine2"=hex:01,02,\\', '  ,03'),
    "G-07": body('"Wine"=hex:01,0\\', '2,03'),
    "G-08": body('"Wine"=hex:01,02,\\', '  03,,04'),
    "G-09": body('"Wine"=hex:01,02,\\', '\\', '  03'),
    "G-10": body('"Wine"=hex:01,02,\\', '', '  \t', '  03'),
    "G-11": body('"Wine"=hex:01,02,\\', '; comment', '  ; indented comment', '  03'),
    "G-12": body('"Wine"=hex:01,02,\\', '# comment', '"Next"="read normally"'),
    "G-13": body('"Wine"=hex:01,02,\\', '"Next"="swallowed"', '"After"="read normally"'),
    "G-14": body('"Wine"=hex:01,02,\\', '', '"Next"=dword:00000001'),
    "G-15": body('"Wine"=hex:01,02,\\', '; comment', '"Next"="swallowed"'),
    "G-16": body('"Wine"=hex:01,02,\\', '# comment', '"Next"="imported"'),
    "G-17": [V5, "", KEY, '"Wine"=hex:01,02,\\', r"[HKEY_CURRENT_USER\Software\reglint\Sub]", '"Next"="lands in the previous key?"'],
    "G-18": body('"Wine"=hex:01,02,\\', '@="swallowed"'),
    "G-19": body('"Wine"=hex(2):4c,69,6e,65,20,63,6f,6e,63,61,74,;comment', '  65,6e,61,74,69,6f,6e,00'),
    "G-20": body('"Wine"=hex(2):4c,69,6e,65,20,\\;comment', '  63,6f,6e,63,61,74,', '  65,6e,61,74,69,6f,6e,00'),
    "G-21": body('"Wine1"=hex:48\\,4f', '"Wine2"=hex:48,\\4f', '"Wine3"=hex:4\\f', '"Wine4"=hex:48,\\,41'),
    "G-22": body('"Wine"=hex(2):\\', '  25,50,41,54,48,25,00'),
    "G-23": body('"Wine"=hex(2):,\\', '  25,50,41,54,48,25,00'),
    "G-24": body('"Wine"=hex:01,02,/', '  03'),
    "G-25": body('"Wine"=hex:01,02,\\'),
    "G-26": body('"Wine"=hex:01,02\\'),
    "G-27": body('"Wine"=hex(100):01,02,\\', '  ; comment', '  03,04'),
    # L. Windows 3.1
    "W31-01": ["REGEDIT", r"HKEY_CLASSES_ROOT\reglint = Value"],
    "W31-02": ["REGEDIT", r"HKEY_CLASSES_ROOT\reglint1 =Value", r"HKEY_CLASSES_ROOT\reglint2 Value", r"HKEY_CLASSES_ROOT\reglint3  Value"],
    "W31-03": ["REGEDIT", r"HKEY_CLASSES_ROOT\reglint =  Value2"],
    "W31-05": ["REGEDIT", r"HKEY_CLASSES_ROOT\reglint"],
    "W31-06": ["REGEDIT", r" HKEY_CLASSES_ROOT\ignored = x", r"; HKEY_CLASSES_ROOT\ignored = x"],
    "W31-07": ["REGEDIT", r"hkey_classes_root\ignored = x", r"HKEY_CURRENT_USER\ignored = x"],
}

def write(name, data):
    (OUT / f"{name}.reg").write_bytes(data)

for name, lines in CASES.items():
    text = "\r\n".join(lines) + ("" if name in ("L-02", "G-25", "G-26") else "\r\n")
    write(name, text.encode("cp1252"))

utf16 = lambda s: s.encode("utf-16-le")
BOM = b"\xff\xfe"
v5_body = "\r\n".join([V5, "", KEY, '"Wine"="UTF-16"']) + "\r\n"
write("H-14", utf16(v5_body))
write("H-15", BOM + utf16(v5_body))
write("H-16", BOM + utf16(v5_body.replace(V5, "REGEDIT4")))
write("H-17", BOM + utf16("\r\n" + v5_body))
write("H-18", BOM + utf16(v5_body.replace(V5, "REGEDIT4FOO")))
write("H-20", b"\xef\xbb\xbf" + "\r\n".join([V5, "", KEY, '"Wine"="caf\u00e9"']).encode() + b"\r\n")
write("L-01", "\r".join(body('"Wine1"="CR only"', '"Wine2"="still CR"')).encode() + b"\r")
write("L-01-utf16", BOM + utf16("\r".join(body('"Wine1"="CR only in UTF-16"')) + "\r"))
# hex(2) in a UTF-16 file must be UTF-16 bytes; in an 8-bit file it is widened (section A).
write("A-hex-width-utf16", BOM + utf16("\r\n".join(body('"Wide"=hex(2):25,00,50,00,41,00,54,00,48,00,25,00,00,00', '"Narrow"=hex(2):25,50,41,54,48,25,00')) + "\r\n"))
print(f"wrote {len(CASES) + 9} fixtures to {OUT}")
