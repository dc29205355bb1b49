"""Floor heat maps as PNG without Qt: numpy colour ramps and a small zlib PNG writer."""
from __future__ import annotations

import base64
import struct
import zlib

import numpy as np

# Sequential ramp (blue -> cyan -> yellow -> red) and diverging ramp (blue -> white -> red).
HEAT_STOPS = np.array([[49, 54, 149], [69, 117, 180], [116, 173, 209], [171, 217, 233],
                       [254, 224, 144], [253, 174, 97], [244, 109, 67], [165, 0, 38]], float)
DIFF_STOPS = np.array([[33, 102, 172], [146, 197, 222], [247, 247, 247],
                       [244, 165, 130], [178, 24, 43]], float)
SOLID_RGB = (90, 90, 90)


def png_bytes(rgb: np.ndarray) -> bytes:
    """PNG file bytes of an (height, width, 3) uint8 image."""
    height, width, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[row].tobytes() for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _ramp(values: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """Map values in [0, 1] onto the colour stops (linear between stops)."""
    pos = np.clip(values, 0.0, 1.0) * (len(stops) - 1)
    low = np.minimum(np.floor(pos).astype(int), len(stops) - 2)
    frac = (pos - low)[..., None]
    return stops[low] * (1 - frac) + stops[low + 1] * frac


def colour_map(plane_c: np.ndarray, lo: float, hi: float, diverging: bool = False,
               pixels_per_cell: int = 8) -> np.ndarray:
    """An RGB image of a (nx, ny) plane, north up; NaN (solids) grey."""
    span = max(hi - lo, 1e-9)
    scaled = (plane_c - lo) / span
    rgb = _ramp(np.nan_to_num(scaled, nan=0.0), DIFF_STOPS if diverging else HEAT_STOPS)
    rgb[np.isnan(plane_c)] = SOLID_RGB
    image = np.flipud(np.transpose(rgb, (1, 0, 2)))           # rows = y, north at the top
    image = np.repeat(np.repeat(image, pixels_per_cell, 0), pixels_per_cell, 1)
    return image.round().astype(np.uint8)


def plane_at(temperature_c: np.ndarray, cell_m: float, height_m: float) -> np.ndarray:
    """The (nx, ny) horizontal plane of a cell-centred field nearest height_m."""
    k = int(np.clip(round(height_m / cell_m - 0.5), 0, temperature_c.shape[2] - 1))
    return temperature_c[:, :, k]


def legend_png(lo: float, hi: float, diverging: bool = False, width: int = 256) -> bytes:
    """A horizontal colour bar, 16 px high."""
    ramp = _ramp(np.linspace(0, 1, width), DIFF_STOPS if diverging else HEAT_STOPS)
    return png_bytes(np.repeat(ramp[None, :, :], 16, 0).round().astype(np.uint8))
