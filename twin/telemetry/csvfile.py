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

from twin.telemetry.sample import METRICS, Frame, GpuSample

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
        pass
    else:
        if math.isfinite(value):
            return value
        raise ValueError(f"not a finite time: {text!r}")
    stamp = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return stamp.timestamp()


def format_timestamp(seconds: float) -> str:
    """ISO 8601 UTC with a `Z`, milliseconds only when needed."""
    stamp = datetime.fromtimestamp(seconds, tz=timezone.utc)
    spec = "milliseconds" if stamp.microsecond else "seconds"
    return stamp.isoformat(timespec=spec).replace("+00:00", "Z")


def _metric(name: str, text: str):
    if not text.strip():
        return None
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {text!r}")
    return int(value) if name in _INTEGER_METRICS else value


def _row(where: str, row: dict) -> GpuSample:
    try:
        stamp = parse_timestamp(row.get("timestamp") or "")
    except ValueError:
        raise ReplayError(f"{where}: timestamp: not a time: {row.get('timestamp')!r} "
                          "(ISO 8601 such as 2026-01-05T09:00:00Z, or epoch seconds)") from None
    host = (row.get("host") or "").strip()
    if not host:
        raise ReplayError(f"{where}: host: missing")
    try:
        gpu = int(row.get("gpu") or "")
    except ValueError:
        raise ReplayError(f"{where}: gpu: must be a whole number (got {row.get('gpu')!r})") from None
    values = {}
    for name in METRICS:
        try:
            values[name] = _metric(name, row.get(name) or "")
        except ValueError:
            raise ReplayError(f"{where}: {name}: not a number: {row.get(name)!r}") from None
    return GpuSample(stamp, host, gpu, **values)


def read_samples(path: PathLike) -> list[GpuSample]:
    """All rows of a replay file, in file order. Raises ReplayError or OSError."""
    name = os.fspath(path)
    with open(name, newline="", encoding="utf-8-sig") as stream:
        reader = csv.DictReader(stream)
        missing = [c for c in ("timestamp", "host", "gpu") if c not in (reader.fieldnames or ())]
        if missing:
            raise ReplayError(f"{name}:1: missing column(s) {', '.join(missing)} (a replay file "
                              f"starts with a header such as {','.join(COLUMNS[:5])},...)")
        return [_row(f"{name}:{reader.line_num}", row) for row in reader]


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

