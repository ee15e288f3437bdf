"""A minimal PNG reader for the screenshot checks: 8-bit RGB/RGBA, non-interlaced (what Chromium writes).

https://www.w3.org/TR/png-3/ — chunks (§5.3), IHDR (§11.2.1), filters (§7.3, §9).
"""

from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {2: 3, 6: 4}  # colour type → bytes per pixel at bit depth 8


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(kind: int, line: bytearray, prior: bytes, bpp: int) -> None:
    for i in range(len(line)):
        a = line[i - bpp] if i >= bpp else 0
        b = prior[i]
        c = prior[i - bpp] if i >= bpp else 0
        predictor = (0, a, b, (a + b) // 2, _paeth(a, b, c))[kind]
        line[i] = (line[i] + predictor) & 0xFF


def pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of raw pixel bytes) of a PNG."""
    assert data.startswith(SIGNATURE), "not a PNG"
    offset, chunks, header = len(SIGNATURE), [], b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        offset += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8, depth
    assert colour in _CHANNELS, colour
    assert interlace == 0, interlace
    bpp = _CHANNELS[colour]
    raw = zlib.decompress(b"".join(chunks))
    stride = width * bpp
    rows: list[bytes] = []
    prior = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        line = bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(raw[start], line, prior, bpp)
        rows.append(bytes(line))
        prior = bytes(line)
    return width, height, rows


def distinct_colours(data: bytes, *, step: int = 3) -> int:
    """How many distinct pixel values a PNG has (sampling every `step`-th pixel of every `step`-th row)."""
    width, _, rows = pixels(data)
    bpp = len(rows[0]) // width
    seen = {row[x : x + bpp] for row in rows[::step] for x in range(0, len(row), bpp * step)}
    return len(seen)
