"""The synthetic source: made-up GPUs running a training job, for demos and tests.

Each host's GPUs ramp from idle to a steady load with small wobble; the
figures are H100-SXM-like (70 W idle, 700 W limit, 80 GiB). Deterministic for
a given seed and clock.
"""
from __future__ import annotations

import math
import random
import time
from typing import Sequence

from twin.telemetry.sample import CONNECTED, OFF, Frame, GpuSample
from twin.telemetry.source import Clock, TelemetrySource

IDLE_W, LIMIT_W = 70.0, 700.0
MEMORY_TOTAL_MIB = 81559.0
AMBIENT_C = 30.0
C_PER_W = 0.07           # GPU temperature rise per watt (steady, air-cooled)


class SyntheticSource(TelemetrySource):
    """`hosts` with `gpus_per_host` GPUs each; load ramps up over `ramp_s` seconds."""

    name = "synthetic"

    def __init__(self, hosts: Sequence[str] = ("demo-0", "demo-1"), gpus_per_host: int = 8,
                 ramp_s: float = 120.0, load_pct: float = 90.0, seed: int = 0,
                 clock: Clock = time.time):
        super().__init__()
        self.hosts, self.gpus_per_host = list(hosts), int(gpus_per_host)
        self.ramp_s, self.load_pct, self.clock = float(ramp_s), float(load_pct), clock
        self.seed = seed
        self._started = 0.0
        self._opened = False

    def open(self) -> Frame:
        self._started, self._opened = self.clock(), True
        self.state = CONNECTED
        self.message = f"{len(self.hosts) * self.gpus_per_host} synthetic GPUs"
        return Frame(self._started, (), self.state, self.message)

    def close(self) -> None:
        self._opened = False
        super().close()

    def utilization_pct(self, elapsed_s: float, host_index: int, gpu: int) -> float:
        """Ramp (staggered by host) times the target load, with a slow wobble."""
        start_s = host_index * self.ramp_s / max(1, len(self.hosts))
        ramp = min(1.0, max(0.0, (elapsed_s - start_s) / self.ramp_s))
        rng = random.Random(hash((self.seed, host_index, gpu, int(elapsed_s))))
        wobble = 4.0 * math.sin(elapsed_s / 7.0 + gpu) + rng.uniform(-2.0, 2.0)
        return min(100.0, max(0.0, ramp * (self.load_pct + wobble)))

    def read(self) -> Frame:
        now = self.clock()
        if not self._opened:
            return Frame(now, (), OFF, "not started")
        elapsed_s = now - self._started
        samples = []
        for h, host in enumerate(self.hosts):
            for gpu in range(self.gpus_per_host):
                util = self.utilization_pct(elapsed_s, h, gpu)
                power_w = IDLE_W + (LIMIT_W - IDLE_W) * util / 100.0
                samples.append(GpuSample(
                    now, host, gpu, power_w=round(power_w, 1),
                    temperature_c=round(AMBIENT_C + C_PER_W * power_w, 1),
                    utilization_pct=round(util, 1),
                    memory_used_mib=round(MEMORY_TOTAL_MIB * min(0.95, util / 100.0), 0),
                    memory_total_mib=MEMORY_TOTAL_MIB, sm_clock_mhz=1980.0 if util else 345.0,
                    memory_clock_mhz=2619.0, throttle_reasons=0, ecc_uncorrected=0,
                    name="synthetic H100"))
        return Frame(now, tuple(samples), self.state, self.message)
