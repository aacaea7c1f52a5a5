#!/usr/bin/env python3
"""Writes a one-segment Ex01 (EWF version 2) seed for the image_container fuzz target.

    python3 fuzz/ex01_seed.py DISK.raw OUT.Ex01

It holds the first 1 MB of DISK.raw in 4 KB chunks, laid out as tests/image/ex01.rs writes
Ex01 images (the Keramics EWF2 document's layout): device information and case data as
zlib-compressed UTF-16 objects, zero chunks as pattern fill, every seventh chunk stored with
its Adler-32, the others zlib-compressed, and a `done` section. No tool on Debian writes Ex01.
"""
import struct
import sys
import zlib

CHUNK = 8 * 512


def adler(data):
    return zlib.adler32(data) & 0xFFFFFFFF


def main(source, target):
    with open(source, "rb") as f:
        disk = f.read(1 << 20)
    out = bytearray(b"EVF2\r\n\x81\x00" + bytes([2, 1]) + struct.pack("<HI", 1, 1) + b"\x5a" * 16)
    previous = 0

    def section(kind, data):
        nonlocal previous
        padding = (-len(data)) % 16
        out.extend(data + b"\0" * padding)
        at = len(out)
        descriptor = struct.pack("<IIQQII", kind, 0, previous, len(data) + padding, 64, padding)
        descriptor += b"\0" * 28
        out.extend(descriptor + struct.pack("<I", adler(descriptor)))
        previous = at

    def serialized(pairs):
        text = "1\nmain\n{}\n{}\n\n".format(
            "\t".join(k for k, _ in pairs), "\t".join(v for _, v in pairs)
        )
        return zlib.compress(b"\xff\xfe" + text.encode("utf-16-le"))

    chunks = [disk[i : i + CHUNK] for i in range(0, len(disk), CHUNK)]
    section(0x01, serialized([("ts", str(len(disk) // 512)), ("bp", "512")]))
    section(0x02, serialized([("sb", "8"), ("tb", str(len(chunks)))]))
    start = len(out)
    data = bytearray()
    entries = bytearray()
    for i, chunk in enumerate(chunks):
        if chunk == bytes(len(chunk)):
            entries += struct.pack("<QII", 0, 0, 0x1 | 0x4)
        elif i % 7 == 0:
            entries += struct.pack("<QII", start + len(data), len(chunk), 0x2)
            data += chunk + struct.pack("<I", adler(chunk))
        else:
            packed = zlib.compress(chunk)
            entries += struct.pack("<QII", start + len(data), len(packed), 0x1)
            data += packed
        data += b"\0" * ((-len(data)) % 16)
    section(0x03, bytes(data))
    header = struct.pack("<QII", 0, len(chunks), 0)
    header += struct.pack("<I", adler(header)) + b"\0" * 12
    section(0x04, header + bytes(entries) + struct.pack("<I", adler(bytes(entries))) + b"\0" * 12)
    section(0x0F, b"")
    with open(target, "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
