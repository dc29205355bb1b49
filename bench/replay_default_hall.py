"""Replay the default hall's bundled job trace under both placement policies and print the table.

    .venv/bin/python bench/replay_default_hall.py [--days 1] [--cell-m 0.3] [--json OUT]

The figures of docs/capacity.md "The default hall's week" come from this script:
it runs `dctwin replay default_hall --trace default_hall_jobs.csv` (preview model
per power state, the hottest state re-solved with the accurate model) and prints
the comparison table and the time the replay took.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from twin.cli import main as dctwin  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", default="1")
    parser.add_argument("--cell-m", default="0.3")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    command = ["replay", "default_hall", "--trace", "default_hall_jobs.csv", "--days", args.days,
               "--cell-m", args.cell_m, "--quiet"] + (["--json", args.json] if args.json else [])
    t0 = time.perf_counter()
    code = dctwin(command)
    print(f"dctwin {' '.join(command)}: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
