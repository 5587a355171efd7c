#!/usr/bin/env python3
"""Draws the Teams app icons (no dependencies): color.png 192x192 full colour, outline.png 32x32 white on transparent.
The mark is a triage funnel: three bars of shrinking width, one per queue (sprint, ready, icebox)."""
import struct
import zlib
from pathlib import Path


def png(path, size, pixel):
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y, size)) for x in range(size)) for y in range(size))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    Path(path).write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def in_funnel(x, y, size):
    u, v = x / size, y / size
    bars = [(0.22, 0.34, 0.18, 0.82), (0.44, 0.56, 0.30, 0.70), (0.66, 0.78, 0.42, 0.58)]
    return any(top <= v < bottom and left <= u < right for top, bottom, left, right in bars)


def color(x, y, size):
    if in_funnel(x, y, size):
        return (255, 255, 255, 255)
    return (79, 107, 237, 255)  # accent #4F6BED


def outline(x, y, size):
    return (255, 255, 255, 255) if in_funnel(x, y, size) else (0, 0, 0, 0)


here = Path(__file__).parent
png(here / "color.png", 192, color)
png(here / "outline.png", 32, outline)
