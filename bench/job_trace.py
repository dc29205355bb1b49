"""Write a synthetic job trace (sacct-style CSV) for a layout's accelerator servers.

    .venv/bin/python bench/job_trace.py [LAYOUT] [--days 7] [--seed 20260105]
        [--load-pct 70] [--out twin/layouts/default_hall_jobs.csv]

The jobs fit whatever servers the layout has (the racks its fabric serves):
sizes are whole servers, powers of two from one server up to a quarter of the
GPUs, small jobs the most common; run times are log-normal (median 3 h,
clipped to 10 min - 36 h); arrivals are a Poisson process with a daily cycle
(twice as many submits in the working day, 08-20 h UTC) whose mean rate asks
for `--load-pct` of the GPUs on average; power_pct is drawn from 60/75/90/100.
Start times are those of a first-come first-served queue on the GPU count.
The same seed and layout always write the same file. The bundled
layouts/default_hall_jobs.csv (layouts/ is twin/layouts/, the package data)
is this script's output with the defaults.
"""
from __future__ import annotations

import argparse
import csv
import heapq
import math
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from twin.capacity.jobs import inventory
from twin.model import load_layout

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 1, 5, tzinfo=timezone.utc).timestamp()     # a Monday
MEDIAN_RUN_H, SIGMA_RUN = 3.0, 1.0
POWERS_PCT = (60, 75, 90, 100)


def _stamp(seconds: float) -> str:
    return datetime.fromtimestamp(round(seconds), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def job_sizes(gpus_per_node: int, total_gpus: int) -> tuple[list[int], np.ndarray]:
    """Sizes in GPUs (whole servers, powers of two up to a quarter of the room) and their odds."""
    sizes, nodes = [], 1
    while nodes * gpus_per_node <= max(total_gpus // 4, gpus_per_node):
        sizes.append(nodes * gpus_per_node)
        nodes *= 2
    weights = np.array([1.0 / (k + 1) for k in range(len(sizes))])
    return sizes, weights / weights.sum()


def draw_jobs(rng, days: float, total_gpus: int, gpus_per_node: int, load_pct: float) -> list:
    """(submit_s, run_s, gpus, power_pct) of each job, in submit order."""
    sizes, odds = job_sizes(gpus_per_node, total_gpus)
    mean_gpu_h = float(np.dot(sizes, odds)) * MEDIAN_RUN_H * math.exp(SIGMA_RUN ** 2 / 2)
    rate_per_h = total_gpus * load_pct / 100.0 / mean_gpu_h
    jobs, t_h = [], 0.0
    while True:
        t_h += rng.exponential(1.0 / (2.0 * rate_per_h))          # thinning from twice the rate
        if t_h >= days * 24.0:
            return jobs
        busy_hours = 8 <= t_h % 24.0 < 20
        if rng.random() < (4.0 / 3.0 if busy_hours else 2.0 / 3.0) / 2.0:
            run_h = float(np.clip(rng.lognormal(math.log(MEDIAN_RUN_H), SIGMA_RUN), 1 / 6, 36))
            jobs.append((START + t_h * 3600.0, run_h * 3600.0, int(rng.choice(sizes, p=odds)),
                         int(rng.choice(POWERS_PCT))))


def schedule(jobs: list, total_gpus: int) -> list:
    """Start times of a first-come first-served queue on the GPU count."""
    starts, ends, free, clock = [], [], total_gpus, 0.0
    for submit, run_s, gpus, _ in jobs:
        clock = max(clock, submit)
        while ends and ends[0][0] <= clock:
            free += heapq.heappop(ends)[1]
        while free < gpus:
            t, g = heapq.heappop(ends)
            clock, free = max(clock, t), free + g
        starts.append(clock)
        free -= gpus
        heapq.heappush(ends, (clock + run_s, gpus))
    return starts


def write_trace(path: Path, jobs: list, starts: list) -> None:
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["JobID", "Submit", "Start", "End", "AllocGPUs", "power_pct"])
        for n, ((submit, run_s, gpus, power), start) in enumerate(zip(jobs, starts)):
            writer.writerow([1001 + n, _stamp(submit), _stamp(start), _stamp(start + run_s), gpus, power])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("layout", nargs="?", default=str(ROOT / "twin" / "layouts" / "default_hall.yaml"))
    parser.add_argument("--days", type=float, default=7.0)
    parser.add_argument("--seed", type=int, default=20260105)
    parser.add_argument("--load-pct", type=float, default=70.0)
    parser.add_argument("--out", default=str(ROOT / "twin" / "layouts" / "default_hall_jobs.csv"))
    args = parser.parse_args()
    servers = inventory(load_layout(args.layout))
    if not servers:
        raise SystemExit(f"{args.layout}: no rack its fabric serves lists accelerator servers")
    total = sum(s.gpus for s in servers)
    per_node = max(set(s.gpus for s in servers), key=[s.gpus for s in servers].count)
    jobs = draw_jobs(np.random.default_rng(args.seed), args.days, total, per_node, args.load_pct)
    out = Path(args.out)
    write_trace(out, jobs, schedule(jobs, total))
    gpu_h = sum(r / 3600 * g for _, r, g, _ in jobs)
    print(f"{out}: {len(jobs)} jobs on {len(servers)} servers ({total} GPUs of {per_node} per "
          f"server), {gpu_h / (total * args.days * 24) * 100:.0f} % of the GPU-hours asked for")


if __name__ == "__main__":
    main()
