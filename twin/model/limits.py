"""Bounds on what an input may make dctwin allocate, compute or believe.

Every limit a file, a replay or an option is held to lives here, so the
readers, the grid and the docs agree on one number. docs/layout-format.md,
docs/telemetry.md and docs/cli.md list them; the grid cell limit can be
raised with `--max-cells N` or the `DCTWIN_MAX_CELLS` environment variable.
"""
from __future__ import annotations

import os
import stat
from typing import Optional

MIB = 1024 * 1024
MAX_LAYOUT_BYTES = 16 * MIB          # a 2,000-rack hall is about 300 KB
MAX_REPLAY_BYTES = 256 * MIB         # about 2.5 million GPU rows
MAX_DEVICETYPE_BYTES = 1 * MIB       # NetBox device types are a few KB
MAX_RESULTS_BYTES = 64 * MIB         # result JSON files read back by `compare`
MAX_NESTING_DEPTH = 64               # YAML lists/mappings inside each other
MAX_INT_DIGITS = 18                  # a YAML integer's digits (10**18 is beyond any count)
MAX_MESSAGE_CHARS = 600              # an error message (values quoted in it are cut first)
MAX_SHOWN_CHARS = 80                 # one value quoted in a message

DEFAULT_MAX_CELLS = 20_000_000       # grid cells of one solve (about 6 GB for the accurate model)
MAX_CELLS_ENV = "DCTWIN_MAX_CELLS"

# Telemetry (replay files): values no GPU reports; timestamps of years 1970..9999.
MAX_GPU_POWER_W = 10_000.0
GPU_TEMPERATURE_C = (-40.0, 150.0)
MAX_CLOCK_MHZ = 100_000.0
MAX_MEMORY_MIB = 16 * MIB            # 16 TiB
MAX_GPU_INDEX = 1023
MAX_COUNTER = 2 ** 64 - 1            # throttle bit masks, ECC counts, XIDs
MAX_TIMESTAMP_S = 253_402_300_799.0  # 9999-12-31T23:59:59Z


class InputLimitError(ValueError):
    """An input over one of the limits above; the message names the file or option."""


def max_cells() -> int:
    """The grid cell limit: DCTWIN_MAX_CELLS if set (a whole number > 0), else the default."""
    text = os.environ.get(MAX_CELLS_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_CELLS
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        value = 0
    if value <= 0:
        raise InputLimitError(f"{MAX_CELLS_ENV} must be a whole number > 0 (got {text[:40]!r})")
    return value


def set_max_cells(value: Optional[int]) -> None:
    """`--max-cells N`: raise (or lower) the limit for this process and the workers it starts."""
    if value is not None:
        os.environ[MAX_CELLS_ENV] = str(int(value))


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def _size(n: int) -> str:
    return f"{n / MIB:.1f} MB" if n >= MIB else f"{n:,} bytes"


def read_bounded(path: str, limit_bytes: int, what: str) -> bytes:
    """The bytes of a regular file of at most `limit_bytes`.

    A FIFO, a device (/dev/zero) or a folder is refused before it is opened,
    so it can neither block nor stream forever; InputLimitError names the
    path. OSError (missing, unreadable) passes through.
    """
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise InputLimitError(f"{path}: is {_kind(info.st_mode)}, not a {what} file")
    if info.st_size > limit_bytes:
        raise InputLimitError(f"{path}: the file is {_size(info.st_size)}; a {what} file may be "
                              f"at most {_size(limit_bytes)}")
    with open(path, "rb") as stream:
        data = stream.read(limit_bytes + 1)
    if len(data) > limit_bytes:      # grew while being read
        raise InputLimitError(f"{path}: the file is over {_size(limit_bytes)}, the limit for a "
                              f"{what} file")
    return data


def clip_text(text: str, limit: int = MAX_SHOWN_CHARS) -> str:
    """`text` cut to `limit` characters with a note of how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"
