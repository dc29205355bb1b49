"""The replay test room (tests/job_rooms.py `replay_room`) under both policies and both models.

    .venv/bin/python bench/replay_test_room.py [--cell-m 0.3]

Three 64-GPU jobs of 3 h at 100 %, submitted at 0, 4 and 8 h (the trace of
tests/test_replay.py); prints each policy's hottest intake (rack) and hours
above the ASHRAE recommended maximum with the preview and the accurate model
(docs/capacity.md, "Workload replay").
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from job_rooms import replay_room  # noqa: E402
from twin.capacity.replay import replay  # noqa: E402
from twin.capacity.trace import read_trace  # noqa: E402
from twin.scenario import Runner  # noqa: E402

HEADER = "JobID,Submit,Start,End,AllocGPUs,power_pct\n"


def _at(hour: float) -> str:
    return f"2026-01-05T{int(hour):02d}:{int(hour % 1 * 60):02d}:00"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cell-m", type=float, default=0.3)
    args = parser.parse_args(argv)
    rows = HEADER + "".join(f"{i},{_at(s)},{_at(s)},{_at(s + 3)},64,100\n"
                            for i, s in ((1, 0), (2, 4), (3, 8)))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trace.csv"
        path.write_text(rows)
        jobs = read_trace(path)
    print("model     policy     hottest intake    hours above recommended")
    for model in ("preview", "accurate"):
        for policy in ("first-fit", "thermal"):
            run = replay(replay_room(), jobs, policy, Runner(cell_m=args.cell_m, model=model), confirm=0)
            peak = run.hottest.state
            print(f"{model:9s} {policy:10s} {peak.hottest_intake_c:5.1f} °C ({peak.hottest_rack:3s})"
                  f"   {run.hours_above_recommended:4.1f} h", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
