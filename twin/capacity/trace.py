"""A job trace: the accounting of a batch scheduler as CSV (Slurm `sacct` columns).

    JobID,Submit,Start,End,AllocGPUs,power_pct
    1001,2026-01-05T00:12:00,2026-01-05T00:12:00,2026-01-05T06:40:00,64,90

Column names are matched without regard to case, `_` or `-`. A job needs its
id, submit, start and end times (ISO 8601, UTC when no zone is given, or
epoch seconds) and either its GPUs (`AllocGPUs`, `gpus`, `NGPUs`) or its
nodes (`NNodes`, `AllocNodes`, `nodes`: whole servers); `power_pct` (load of
its servers, % of the idle-to-max range) is optional. The replay keeps each
job's run time (End - Start) and its submit time; when it starts is the
replay's to decide. See docs/capacity.md#workload-replay.
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from typing import Optional

from twin.model import limits
from twin.telemetry.csvfile import ReplayError, _text, parse_timestamp

DEFAULT_POWER_PCT = 90.0
MAX_TRACE_JOBS = 200_000
ALIASES = {
    "job_id": ("jobid", "jobidraw", "id", "job"),
    "submit": ("submit", "submittime", "submitted"),
    "start": ("start", "starttime", "started"),
    "end": ("end", "endtime", "ended"),
    "gpus": ("allocgpus", "gpus", "ngpus", "gpu"),
    "nodes": ("nnodes", "allocnodes", "nodes"),
    "power_pct": ("powerpct", "power"),
}


class TraceError(ValueError):
    """A trace that cannot be read; the message is `file:line: field: problem`."""


@dataclass(frozen=True)
class TraceJob:
    job_id: str
    submit_s: float
    start_s: float
    end_s: float
    gpus: Optional[int]          # accelerators asked for, or None when given as nodes
    nodes: Optional[int]         # whole servers asked for
    power_pct: float
    line: int = 0                # line in the trace file (for messages)

    @property
    def run_s(self) -> float:
        return self.end_s - self.start_s


def _key(name: str) -> str:
    return name.strip().lower().replace("_", "").replace("-", "").replace(" ", "")


def _columns(name: str, header) -> dict[str, str]:
    """Our field -> the file's column name; TraceError naming what is missing."""
    found = {_key(h): h for h in (header or ()) if h is not None}
    out = {field: next((found[a] for a in names if a in found), None)
           for field, names in ALIASES.items()}
    shown = {"job_id": "JobID", "submit": "Submit", "start": "Start", "end": "End"}
    missing = [shown[f] for f in shown if out[f] is None]
    if out["gpus"] is None and out["nodes"] is None:
        missing.append("AllocGPUs or NNodes")
    if missing:
        raise TraceError(f"{name}:1: missing column(s) {', '.join(missing)} (a trace starts "
                         "with a header such as JobID,Submit,Start,End,AllocGPUs,power_pct)")
    return {f: c for f, c in out.items() if c is not None}


def _time(where: str, field: str, cell) -> float:
    try:
        return parse_timestamp(cell or "")
    except ValueError:
        raise TraceError(f"{where}: {field}: not a time: {_shown(cell)} (ISO 8601 such as "
                         "2026-01-05T09:00:00, or epoch seconds; a job still running has "
                         "no end and cannot be replayed)") from None


def _count(where: str, field: str, cell) -> int:
    text = (cell or "").strip()
    if not (text.isdigit() and len(text) <= 7 and int(text) >= 1):
        raise TraceError(f"{where}: {field}: must be a whole number of at least 1 "
                         f"(got {_shown(cell)})")
    return int(text)


def _power(where: str, cell) -> float:
    text = (cell or "").strip().rstrip("%")
    if not text:
        return DEFAULT_POWER_PCT
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.0 <= value <= 100.0:
        raise TraceError(f"{where}: power_pct: must be a number from 0 to 100 (got {_shown(cell)})")
    return value


def _job(where: str, line: int, row: dict, cols: dict[str, str]) -> TraceJob:
    if None in row:
        raise TraceError(f"{where}: the row has more cells than the header has columns")
    job_id = (row.get(cols["job_id"]) or "").strip()
    if not job_id:
        raise TraceError(f"{where}: {cols['job_id']}: missing")
    submit, start, end = (_time(where, cols[f], row.get(cols[f])) for f in ("submit", "start", "end"))
    if start < submit:
        raise TraceError(f"{where}: {cols['start']}: before the job's submit time")
    if end <= start:
        raise TraceError(f"{where}: {cols['end']}: not after the job's start time")
    gpu_cell = row.get(cols["gpus"]) if "gpus" in cols else None
    gpus = _count(where, cols["gpus"], gpu_cell) if (gpu_cell or "").strip() else None
    nodes = None
    if gpus is None:
        if "nodes" not in cols:
            raise TraceError(f"{where}: {cols['gpus']}: missing (and no NNodes column)")
        nodes = _count(where, cols["nodes"], row.get(cols["nodes"]))
    power = _power(where, row.get(cols["power_pct"])) if "power_pct" in cols else DEFAULT_POWER_PCT
    return TraceJob(job_id, submit, start, end, gpus, nodes, power, line)


def _shown(cell) -> str:
    return repr(limits.clip_text(cell, 40)) if isinstance(cell, str) else repr(cell)


def read_trace(path) -> list[TraceJob]:
    """The jobs of a trace file in file order. Raises TraceError or OSError."""
    name = os.fspath(path)
    try:
        text = _text(name, limits.read_bounded(name, limits.MAX_REPLAY_BYTES, "trace"))
    except (limits.InputLimitError, ReplayError) as exc:
        raise TraceError(str(exc)) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        cols = _columns(name, reader.fieldnames)
        jobs = []
        for row in reader:
            jobs.append(_job(f"{name}:{reader.line_num}", reader.line_num, row, cols))
            if len(jobs) > MAX_TRACE_JOBS:
                raise TraceError(f"{name}:{reader.line_num}: more than {MAX_TRACE_JOBS} jobs")
    except csv.Error as exc:
        raise TraceError(f"{name}:{reader.line_num}: not a readable CSV row: {exc}") from None
    if not jobs:
        raise TraceError(f"{name}:2: the trace lists no jobs")
    seen: dict[str, int] = {}
    for job in jobs:
        if job.job_id in seen:
            raise TraceError(f"{name}:{job.line}: {cols['job_id']}: job {job.job_id!r} is "
                             f"already on line {seen[job.job_id]}")
        seen[job.job_id] = job.line
    return jobs
