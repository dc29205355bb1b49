"""Check that a screenshot PNG shows a rendered window, not a blank or black frame.

    python3 packaging/check_png.py SHOT.png [--min-size 800x500]

Standard library only (it runs before, and independently of, the app's own
Python): decodes the PNG, then requires the minimum size, many distinct
colours and a good share of pixels that differ from the most common colour.
Exit 0 and a one-line summary when it passes; exit 1 with the reason when not.
"""
from __future__ import annotations

import argparse
import struct
import sys
import zlib
from collections import Counter

MIN_COLOURS = 64            # a window with a temperature map has thousands
MIN_VARIED_SHARE = 0.15     # share of pixels not of the dominant (background) colour
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}   # PNG colour type -> samples per pixel


def read_png(path: str) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of raw pixel bytes) of an 8-bit, non-interlaced PNG."""
    with open(path, "rb") as stream:
        data = stream.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    if header is None:
        raise ValueError("no IHDR chunk")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in CHANNELS or interlace:
        raise ValueError(f"unsupported PNG (bit depth {depth}, colour type {colour}, "
                         f"interlace {interlace})")
    bpp = CHANNELS[colour]
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        _unfilter(kind, line, previous, bpp)
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def _unfilter(kind: int, line: bytearray, prev: bytearray, bpp: int) -> None:
    """Undo one scanline's PNG filter in place."""
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        up = prev[i]
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            corner = prev[i - bpp] if i >= bpp else 0
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
            line[i] = (line[i] + pred) & 0xFF


def check(path: str, min_size: tuple[int, int]) -> str:
    """The summary line; raises ValueError saying why the image is not a rendered window."""
    width, height, rows = read_png(path)
    bpp = len(rows[0]) // width
    if width < min_size[0] or height < min_size[1]:
        raise ValueError(f"{width}x{height} is smaller than {min_size[0]}x{min_size[1]}")
    counts = Counter(row[i:i + bpp] for row in rows[::2] for i in range(0, len(row), 2 * bpp))
    sampled = sum(counts.values())
    colours = len(counts)
    varied = 1.0 - counts.most_common(1)[0][1] / sampled
    if colours < MIN_COLOURS:
        raise ValueError(f"only {colours} distinct colours: a blank or unrendered window")
    if varied < MIN_VARIED_SHARE:
        raise ValueError(f"{varied:.0%} of the pixels differ from the background: nearly blank")
    return f"{path}: {width}x{height}, {colours} colours, {varied:.0%} non-background pixels"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Check that a screenshot is not blank.")
    parser.add_argument("png")
    parser.add_argument("--min-size", default="800x500", metavar="WxH")
    args = parser.parse_args(argv)
    w, _, h = args.min_size.partition("x")
    try:
        print(check(args.png, (int(w), int(h))))
    except (OSError, ValueError, zlib.error, struct.error) as exc:
        print(f"check_png: {args.png}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
