"""The replay file: plain CSV, one row per GPU per time, header first.

    timestamp,host,gpu,power_w,temperature_c,utilization_pct,...
    2026-01-05T09:00:00Z,dgx-b5-0,0,71.5,34,0,...

`timestamp` is ISO 8601 (UTC when no zone is given) or seconds since the
epoch; `host` and `gpu` are required; metric columns are optional and empty
cells mean "not reported". Unknown columns are ignored. See docs/telemetry.md.
"""
from __future__ import annotations

import csv
import io
import math
import os
from datetime import datetime, timezone
from typing import Iterable, Union

from twin.model import limits
from twin.telemetry.sample import METRICS, METRIC_RANGES, Frame, GpuSample

COLUMNS = ("timestamp", "host", "gpu") + METRICS
_INTEGER_METRICS = ("throttle_reasons", "ecc_uncorrected", "xid")
PathLike = Union[str, "os.PathLike[str]"]


class ReplayError(ValueError):
    """A replay file that cannot be read; message is `file:line: problem`."""


def parse_timestamp(text: str) -> float:
    """Seconds since the epoch from ISO 8601 (`Z` or offset; naive means UTC) or a number."""
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        if len(text) > 64:
            raise ValueError("not a time") from None
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=timezone.utc)
        try:
            value = stamp.timestamp()
        except (OverflowError, ValueError):   # year 1 minus a zone offset
            raise ValueError("not a time") from None
    if not (math.isfinite(value) and 0.0 <= value <= limits.MAX_TIMESTAMP_S):
        raise ValueError(f"{text[:40]!r} is outside the years 1970 to 9999")
    return value


def format_timestamp(seconds: float) -> str:
    """ISO 8601 UTC with a `Z`, milliseconds only when needed."""
    stamp = datetime.fromtimestamp(seconds, tz=timezone.utc)
    spec = "milliseconds" if stamp.microsecond else "seconds"
    return stamp.isoformat(timespec=spec).replace("+00:00", "Z")


def _metric(name: str, text: str):
    """A metric cell: None when empty; ValueError saying the accepted range if out of it."""
    if not text.strip():
        return None
    value = float(text)
    low, high = METRIC_RANGES[name]
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(f"must be a number from {low:g} to {high:g}")
    return int(value) if name in _INTEGER_METRICS else value


def _row(where: str, row: dict) -> GpuSample:
    if None in row:
        raise ReplayError(f"{where}: the row has more cells than the header has columns")
    try:
        stamp = parse_timestamp(row.get("timestamp") or "")
    except ValueError:
        raise ReplayError(f"{where}: timestamp: not a time: {_shown(row.get('timestamp'))} "
                          "(ISO 8601 such as 2026-01-05T09:00:00Z, or epoch seconds, "
                          "years 1970 to 9999)") from None
    host = (row.get("host") or "").strip()
    if not host:
        raise ReplayError(f"{where}: host: missing")
    gpu_text = (row.get("gpu") or "").strip()
    gpu = int(gpu_text) if gpu_text.isdigit() and len(gpu_text) <= 6 else -1
    if not 0 <= gpu <= limits.MAX_GPU_INDEX:
        raise ReplayError(f"{where}: gpu: must be a whole number from 0 to "
                          f"{limits.MAX_GPU_INDEX} (got {_shown(row.get('gpu'))})")
    values = {}
    for name in METRICS:
        try:
            values[name] = _metric(name, row.get(name) or "")
        except ValueError as exc:
            why = str(exc) if str(exc).startswith("must") else "not a number"
            raise ReplayError(f"{where}: {name}: {why} (got {_shown(row.get(name))})") from None
    return GpuSample(stamp, host, gpu, **values)


def _shown(cell) -> str:
    return repr(limits.clip_text(cell, 40)) if isinstance(cell, str) else repr(cell)


def _text(name: str, data: bytes) -> str:
    """The file's text: UTF-8 without NUL bytes, else ReplayError at the line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ReplayError(f"{name}:{line}: the file is not UTF-8 text") from None
    nul = text.find("\x00")
    if nul >= 0:
        raise ReplayError(f"{name}:{text.count(chr(10), 0, nul) + 1}: the file holds a NUL "
                          "byte (a binary or corrupted file?)")
    return text


def read_samples(path: PathLike) -> list[GpuSample]:
    """All rows of a replay file, in file order. Raises ReplayError or OSError.

    FIFOs, devices and files over limits.MAX_REPLAY_BYTES are refused unread.
    """
    name = os.fspath(path)
    try:
        text = _text(name, limits.read_bounded(name, limits.MAX_REPLAY_BYTES, "replay"))
    except limits.InputLimitError as exc:
        raise ReplayError(str(exc)) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        missing = [c for c in ("timestamp", "host", "gpu") if c not in (reader.fieldnames or ())]
        if missing:
            raise ReplayError(f"{name}:1: missing column(s) {', '.join(missing)} (a replay file "
                              f"starts with a header such as {','.join(COLUMNS[:5])},...)")
        return [_row(f"{name}:{reader.line_num}", row) for row in reader]
    except csv.Error as exc:       # a field over the csv module's limit, a stray quote
        raise ReplayError(f"{name}:{reader.reader.line_num}: not a readable CSV row: {exc}") from None


def frames(samples: Iterable[GpuSample]) -> list[Frame]:
    """Samples grouped into frames by timestamp, oldest first (file order within one)."""
    by_time: dict[float, list[GpuSample]] = {}
    for sample in samples:
        by_time.setdefault(sample.timestamp_s, []).append(sample)
    return [Frame(t, tuple(by_time[t])) for t in sorted(by_time)]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)


def sample_row(sample: GpuSample) -> list[str]:
    """One CSV row (in COLUMNS order) for a sample."""
    return [format_timestamp(sample.timestamp_s), sample.host, str(sample.gpu)] + \
        [_cell(getattr(sample, name)) for name in METRICS]


class ReplayWriter:
    """Appends frames to a replay file (header written once); flushes every frame."""

    def __init__(self, stream: io.TextIOBase):
        self.stream = stream
        self.writer = csv.writer(stream, lineterminator="\n")
        self.writer.writerow(COLUMNS)
        self.rows = 0

    def write(self, frame: Frame) -> int:
        """Write the fresh samples of a frame (stale ones are not measurements); row count."""
        fresh = [s for s in frame.samples if not s.stale]
        for sample in fresh:
            self.writer.writerow(sample_row(sample))
        self.stream.flush()
        self.rows += len(fresh)
        return len(fresh)

