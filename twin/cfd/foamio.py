"""Small OpenFOAM ASCII helpers: dictionary headers, number formatting, field parsing."""
from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np


def fmt(value: float) -> str:
    """A number with 12 significant digits: imposed flows must balance to ~1e-12."""
    text = f"{float(value):.12g}"
    return "0" if text == "-0" else text


def vec(v) -> str:
    return "(" + " ".join(fmt(c) for c in v) + ")"


def header(cls: str, obj: str, location: str | None = None) -> str:
    loc = f'    location    "{location}";\n' if location else ""
    return ("FoamFile\n{\n    version     2.0;\n    format      ascii;\n"
            f"    class       {cls};\n{loc}    object      {obj};\n}}\n\n")


def write(path, text: str, mode: int | None = None) -> None:
    path = Path(path)
    path.write_text(text)
    if mode is not None:
        os.chmod(path, mode)


_INTERNAL = re.compile(rb"internalField\s+(uniform|nonuniform)\s+")


def read_internal_field(path, n_cells: int | None = None) -> np.ndarray:
    """The internalField of an ASCII volScalarField/volVectorField: shape (n,) or (n, 3)."""
    data = Path(path).read_bytes()
    m = _INTERNAL.search(data)
    if m is None:
        raise ValueError(f"{path}: no internalField")
    pos = m.end()
    if m.group(1) == b"uniform":
        end = data.index(b";", pos)
        values = np.array(data[pos:end].replace(b"(", b" ").replace(b")", b" ").split(), float)
        if n_cells is None:
            raise ValueError(f"{path}: uniform field needs the cell count")
        return np.tile(values, (n_cells, 1)) if values.size > 1 else np.full(n_cells, values[0])
    open_at = data.index(b"(", pos)
    count = int(data[pos:open_at].split()[-1])
    close_at = data.index(b"\n)", open_at)   # entries never start a line with ')'
    body = data[open_at + 1:close_at].replace(b"(", b" ").replace(b")", b" ")
    values = np.array(body.split(), float)
    width = values.size // count if count else 1
    return values.reshape(count, width) if width > 1 else values
