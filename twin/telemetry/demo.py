"""The bundled demo recording: a training job ramping up on racks B5-B8 of the default hall.

`demo_source(speed)` plays it (looping); `python -m twin.telemetry.demo OUT.csv`
writes it again (it is generated, deterministically, by `demo_samples`).
Hosts are named `B5-0` ... `B8-3`, so they bind to racks by name; `login-0`
is deliberately not in the hall, to show an unmapped GPU.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Iterator

from twin.model.resources import bundled_file
from twin.telemetry.csvfile import ReplayWriter, parse_timestamp
from twin.telemetry.replay import ReplaySource
from twin.telemetry.sample import Frame, GpuSample

DEMO_REPLAY = "default_hall_replay.csv"
START = "2026-01-05T09:00:00Z"
RACKS = ("B5", "B6", "B7", "B8")
HOSTS_PER_RACK, GPUS_PER_HOST = 4, 8
STEP_S, DURATION_S = 60.0, 900.0
IDLE_W, TDP_W, MEMORY_MIB = 70.0, 700.0, 81559.0
THERMAL_SLOWDOWN = 0x40          # NVML clocks-event reason: hardware thermal slowdown


def demo_replay_path() -> Path:
    """The bundled recording (next to the bundled layouts). FileNotFoundError if missing."""
    return bundled_file(DEMO_REPLAY)


def demo_source(speed: float = 30.0) -> ReplaySource:
    """A looping replay of the bundled recording (30x: the 15 minutes in 30 s)."""
    return ReplaySource(demo_replay_path(), speed=speed, loop=True)


def _utilization(t_s: float, rack_index: int) -> float:
    """Job load: idle, a staggered 3-minute ramp per rack, steady, a checkpoint dip at 9 min."""
    start_s = 120.0 + 30.0 * rack_index
    ramp = min(1.0, max(0.0, (t_s - start_s) / 180.0))
    dip = 0.35 if 540.0 <= t_s < 600.0 else 1.0
    return 95.0 * ramp * dip


def demo_samples(seed: int = 5) -> Iterator[Frame]:
    """Frames of the recording, one per STEP_S."""
    rng = random.Random(seed)
    t0 = parse_timestamp(START)
    steps = int(DURATION_S / STEP_S) + 1
    for step in range(steps):
        t_s = step * STEP_S
        samples = []
        for r, rack in enumerate(RACKS):
            for h in range(HOSTS_PER_RACK):
                for gpu in range(GPUS_PER_HOST):
                    util = max(0.0, min(100.0, _utilization(t_s, r) + rng.uniform(-3, 3) * (t_s > 120)))
                    samples.append(_gpu(t0 + t_s, f"{rack}-{h}", gpu, util, rng, hot=(r == 3 and h == 2)))
        samples.append(_gpu(t0 + t_s, "login-0", 0, 2.0, rng))
        yield Frame(t0 + t_s, tuple(samples))


def _gpu(time_s: float, host: str, gpu: int, util: float, rng: random.Random,
         hot: bool = False) -> GpuSample:
    power_w = IDLE_W + (TDP_W - 25.0 - IDLE_W) * util / 100.0 + rng.uniform(-8, 8)
    temp_c = 31.0 + 0.062 * power_w + rng.uniform(-1, 1) + (12.0 if hot and util > 50 else 0.0)
    throttle = THERMAL_SLOWDOWN if temp_c > 83.0 else 0
    return GpuSample(time_s, host, gpu, power_w=round(power_w, 1), temperature_c=round(temp_c),
                     utilization_pct=round(util), memory_used_mib=round(600 + 75000 * util / 100),
                     memory_total_mib=MEMORY_MIB, sm_clock_mhz=1755.0 if throttle else 1980.0,
                     memory_clock_mhz=2619.0, throttle_reasons=throttle, ecc_uncorrected=0)


def write_demo(path: str) -> int:
    """Write the recording to `path`; returns the number of rows."""
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = ReplayWriter(stream)
        for frame in demo_samples():
            writer.write(frame)
        return writer.rows


if __name__ == "__main__":
    print(f"{write_demo(sys.argv[1])} rows written to {sys.argv[1]}")
