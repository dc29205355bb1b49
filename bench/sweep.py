"""Time the N-1 sweep in process and on a Dask LocalCluster, preview and accurate.

    nice -n 10 .venv/bin/python bench/sweep.py [LAYOUT] [--models preview accurate]
        [--cell-m M] [--workers N] [--scheduler ADDRESS] [--repeats R] [--accurate-repeats R]

Each repeat is a fresh study (an empty cache): the baseline solved in this
process, then every case, serially here or on the workers. The cluster is
started once and its start-up is timed apart; its first sweep also pays each
worker's imports, so the figure compared is the median of the repeats after
that first one when there are more than two. Within one study the second pass of
the sweep must be all cache hits. Prints the figures and the ratio in the
same run; figures go in docs/scenarios.md.
"""
from __future__ import annotations

import argparse
import statistics
import time

from twin.model import load_layout
from twin.model.resources import default_layout_path
from twin.scenario import ResultCache, Runner
from twin.scenario.sweep import sweep


def timed_sweep(layout, model: str, cell_m: float, executor=None) -> tuple[float, int, object]:
    """(seconds, solves, result) of one sweep from an empty cache; checks the cached second pass."""
    runner = Runner(cell_m, model, cache=ResultCache(), executor=executor)
    t0 = time.perf_counter()
    result = sweep(layout, runner)
    seconds = time.perf_counter() - t0
    solves = runner.solves
    again = sweep(layout, runner)
    if runner.solves != solves or again.to_dict() != result.to_dict():
        raise SystemExit("the second pass solved again or changed: the cache is broken")
    return seconds, solves, result


def compared(seconds: list[float]) -> float:
    """The median of the repeats after the first when there are several, else the only one."""
    return statistics.median(seconds[1:] if len(seconds) > 2 else seconds)


def run_model(layout, model: str, cell_m: float, repeats: int, executor) -> dict:
    serial, spread, results = [], [], {}
    for n in range(repeats):
        seconds, solves, results["local"] = timed_sweep(layout, model, cell_m)
        serial.append(seconds)
        print(f"  {model:8s} in process   repeat {n + 1}: {seconds:7.2f} s ({solves} solves)", flush=True)
    for n in range(repeats):
        seconds, solves, results["dask"] = timed_sweep(layout, model, cell_m, executor)
        spread.append(seconds)
        print(f"  {model:8s} on {executor.workers} workers repeat {n + 1}: {seconds:7.2f} s "
              f"({solves} solves)", flush=True)
    same = results["local"].to_dict() == results["dask"].to_dict()
    return {"model": model, "serial_s": serial, "dask_s": spread, "same": same,
            "cases": len(results["local"].cases)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("layout", nargs="?", default=str(default_layout_path()))
    parser.add_argument("--models", nargs="+", default=["preview", "accurate"],
                        choices=("preview", "accurate"))
    parser.add_argument("--cell-m", type=float, default=0.3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scheduler", help="a running Dask scheduler instead of a LocalCluster")
    parser.add_argument("--repeats", type=int, default=3, help="preview repeats (default 3)")
    parser.add_argument("--accurate-repeats", type=int, default=1, help="accurate repeats (default 1)")
    args = parser.parse_args()
    from twin.scenario.executor import DaskExecutor
    layout = load_layout(args.layout)
    import os
    print(f"{layout.name}: {len(layout.racks)} racks, {len(layout.cooling_units)} cooling units, "
          f"cell {args.cell_m:g} m, {os.cpu_count()} CPUs here")
    t0 = time.perf_counter()
    executor = DaskExecutor(workers=args.workers, scheduler=args.scheduler)
    start_s = time.perf_counter() - t0
    print(f"Dask {'scheduler ' + args.scheduler if args.scheduler else 'LocalCluster'}: "
          f"{executor.workers} workers, started in {start_s:.2f} s")
    rows = []
    try:
        for model in args.models:
            repeats = args.repeats if model == "preview" else args.accurate_repeats
            rows.append(run_model(layout, model, args.cell_m, repeats, executor))
    finally:
        executor.close()
    print()
    print(f"{'model':8s} {'cases':>5s} {'in process s':>13s} {'Dask s':>9s} {'ratio':>6s}  same results")
    for row in rows:
        serial, spread = compared(row["serial_s"]), compared(row["dask_s"])
        print(f"{row['model']:8s} {row['cases']:5d} {serial:13.2f} {spread:9.2f} "
              f"{serial / spread:6.2f}  {'yes' if row['same'] else 'NO'}")
    print(f"(medians of the repeats after the first where there are more than two; "
          f"cluster start-up {start_s:.2f} s not included)")


if __name__ == "__main__":
    main()
