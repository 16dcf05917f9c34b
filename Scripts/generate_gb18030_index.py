#!/usr/bin/env python3
"""Generates Sources/FolioIngest/Resources/gb18030-index.bin, the GB18030 tables of FolioIngest's decoder.

Folio decodes GB18030 exactly as Python's `bytes.decode("gb18030", errors="replace")` does, so the
tables are read off Python's own codec rather than off the WHATWG or ICU files (they differ: Python
follows GB18030-2000, so A8BC is U+E7C7 and 8135F437 is U+1E3F, the reverse of WHATWG). The output
is deterministic: the same Python codec always gives the same bytes.

Format (all integers little-endian), 48,712 bytes with Python 3.11's codec:

    offset  size          field
    0       4             magic "GBIX"
    4       2             version, 1
    6       2             R, the number of four-byte ranges
    8       126*190*2     two-byte table: UInt16 code point of lead 81-FE x trail 40-7E,80-FE, at
                          (lead - 0x81) * 190 + (trail - 0x40 - (trail > 0x7F)); 0 means unmapped
    47888   R*4           four-byte BMP ranges: (UInt16 pointer, UInt16 code point) with pointers
                          strictly increasing from 0, as WHATWG's index-gb18030-ranges: a four-byte
                          sequence b1 b2 b3 b4 has pointer ((b1-0x81)*10 + (b2-0x30))*1260 + (b3-0x81)*10
                          + (b4-0x30); pointers 0..<39420 are the BMP, and pointer p maps to
                          code point + (p - pointer) of the last range whose pointer is <= p.

Supplementary planes need no table: pointer 189000 + (c - 0x10000) is code point c, up to U+10FFFF.

The script checks, before writing, that the tables reproduce Python's decoding of every two-byte
sequence (mapped ones, and that every other lead/trail pair is an error), of every four-byte BMP
sequence, of every four-byte supplementary sequence, and that the pointers past each valid range fail.

Usage: python3 Scripts/generate_gb18030_index.py
"""
import pathlib
import struct
import sys

MAGIC = b"GBIX"
VERSION = 1
LEADS = range(0x81, 0xFF)
TRAILS = [t for t in range(0x40, 0xFF) if t != 0x7F]
BMP_POINTERS = 39420  # four-byte pointers 0..<39420 are U+0080..U+FFFF minus the two-byte ones
SUPPLEMENTARY_BASE = 189000


def four_bytes(pointer):
    b1, rest = divmod(pointer, 12600)
    b2, rest = divmod(rest, 1260)
    b3, b4 = divmod(rest, 10)
    return bytes([0x81 + b1, 0x30 + b2, 0x81 + b3, 0x30 + b4])


def decode_one(sequence):
    """Python's decoding of one sequence: a code point, or None when the codec rejects it."""
    try:
        text = sequence.decode("gb18030")
    except UnicodeDecodeError:
        return None
    assert len(text) == 1, (sequence, text)
    return ord(text)


def build_two_byte_table():
    table = [0] * (len(LEADS) * len(TRAILS))
    for lead in LEADS:
        for position, trail in enumerate(TRAILS):
            code_point = decode_one(bytes([lead, trail]))
            if code_point is not None:
                assert 0x80 <= code_point <= 0xFFFF and not 0xD800 <= code_point <= 0xDFFF, hex(code_point)
                table[(lead - 0x81) * len(TRAILS) + position] = code_point
    return table


def build_ranges():
    # All BMP pointers in one decode (a few ms instead of 39,420 calls).
    text = b"".join(four_bytes(p) for p in range(BMP_POINTERS)).decode("gb18030")
    assert len(text) == BMP_POINTERS
    code_points = [ord(c) for c in text]
    ranges = []
    for pointer, code_point in enumerate(code_points):
        if pointer == 0 or code_point != code_points[pointer - 1] + 1:
            ranges.append((pointer, code_point))
    return ranges, code_points


def two_byte_lookup(table, lead, trail):
    if lead not in LEADS or trail not in TRAILS:
        return None
    value = table[(lead - 0x81) * len(TRAILS) + (trail - 0x40 - (trail > 0x7F))]
    return value or None


def range_lookup(ranges, pointer):
    """The loader's lookup, written independently: a binary search for the last range at or before pointer."""
    low, high = 0, len(ranges)
    while high - low > 1:
        middle = (low + high) // 2
        if ranges[middle][0] <= pointer:
            low = middle
        else:
            high = middle
    start, code_point = ranges[low]
    return code_point + pointer - start


def verify(table, ranges, code_points):
    # Every lead 80-FF with every non-digit second byte: mapped exactly where the table says.
    for lead in range(0x80, 0x100):
        for trail in range(0x100):
            if 0x30 <= trail <= 0x39:
                continue  # a four-byte sequence's second byte
            assert decode_one(bytes([lead, trail])) == two_byte_lookup(table, lead, trail), (hex(lead), hex(trail))
    # Every four-byte BMP sequence.
    for pointer in range(BMP_POINTERS):
        assert range_lookup(ranges, pointer) == code_points[pointer], pointer
    # Every four-byte supplementary sequence, in one decode.
    supplementary = b"".join(four_bytes(SUPPLEMENTARY_BASE + c) for c in range(0x100000))
    decoded = supplementary.decode("gb18030")
    assert [ord(c) for c in decoded] == list(range(0x10000, 0x110000))
    # Pointers between and beyond the valid ranges are errors.
    for pointer in [BMP_POINTERS, BMP_POINTERS + 1, 50399, 50400, 100000, SUPPLEMENTARY_BASE - 1,
                    SUPPLEMENTARY_BASE + 0x100000, 1587599]:
        assert decode_one(four_bytes(pointer)) is None, pointer
    # No code point is reachable twice (two-byte and four-byte forms are disjoint).
    two_byte_values = {v for v in table if v}
    assert not two_byte_values & set(code_points)
    assert len(two_byte_values) + len(code_points) == 0x10000 - 0x80 - 0x800


def main():
    table = build_two_byte_table()
    ranges, code_points = build_ranges()
    verify(table, ranges, code_points)
    data = bytearray(MAGIC)
    data += struct.pack("<HH", VERSION, len(ranges))
    data += struct.pack(f"<{len(table)}H", *table)
    for pointer, code_point in ranges:
        data += struct.pack("<HH", pointer, code_point)
    out = pathlib.Path(__file__).resolve().parent.parent / "Sources/FolioIngest/Resources/gb18030-index.bin"
    out.write_bytes(bytes(data))
    unmapped = sum(1 for v in table if v == 0)
    print(f"wrote {out} ({len(data)} bytes): {len(table) - unmapped} two-byte mappings, {unmapped} unmapped, "
          f"{len(ranges)} four-byte ranges; Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
