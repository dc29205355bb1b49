"""Time an N-1 sweep: solves, cache hits and seconds per case.

    .venv/bin/python bench/sweep.py [LAYOUT] [--model preview|accurate] [--cell-m M]

Runs the sweep twice with one runner: the second pass must be all cache hits.
"""
from __future__ import annotations

import argparse
import time

from twin.model import load_layout
from twin.model.resources import default_layout_path
from twin.scenario import Runner
from twin.scenario.sweep import sweep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("layout", nargs="?", default=str(default_layout_path()))
    parser.add_argument("--model", default="preview", choices=("preview", "accurate"))
    parser.add_argument("--cell-m", type=float, default=0.3)
    args = parser.parse_args()
    layout = load_layout(args.layout)
    runner = Runner(args.cell_m, args.model)
    for attempt in ("first", "again"):
        t0 = time.perf_counter()
        result = sweep(layout, runner)
        seconds = time.perf_counter() - t0
        print(f"{attempt}: {len(result.cases)} cases, {runner.solves} solves in total, "
              f"{runner.cache.hits} cache hits, {seconds:.2f} s "
              f"({seconds / max(len(result.cases), 1):.2f} s per case)")


if __name__ == "__main__":
    main()
