"""What a telemetry source reports: one GPU's metrics, and a frame of all GPUs at one time.

Every metric is optional (None): not every GPU, driver or file reports every one.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
import math
from typing import Optional

from twin.model import limits

# Connection states of a source, as shown to users.
CONNECTED = "connected"     # values are fresh
STALE = "stale"             # the last read failed: values are the last good ones
OFF = "off"                 # no driver, no file, or closed: nothing to show
ENDED = "ended"             # a replay reached its end (values are its last frame)
STATES = (CONNECTED, STALE, OFF, ENDED)

METRICS = ("power_w", "temperature_c", "utilization_pct", "memory_used_mib",
           "memory_total_mib", "sm_clock_mhz", "memory_clock_mhz", "throttle_reasons",
           "ecc_uncorrected", "xid")

# What a GPU can report; outside it a reading is a fault (limits.py holds the numbers).
METRIC_RANGES = {
    "power_w": (0.0, limits.MAX_GPU_POWER_W),
    "temperature_c": limits.GPU_TEMPERATURE_C,
    "utilization_pct": (0.0, 100.0),
    "memory_used_mib": (0.0, limits.MAX_MEMORY_MIB),
    "memory_total_mib": (0.0, limits.MAX_MEMORY_MIB),
    "sm_clock_mhz": (0.0, limits.MAX_CLOCK_MHZ),
    "memory_clock_mhz": (0.0, limits.MAX_CLOCK_MHZ),
    "throttle_reasons": (0.0, limits.MAX_COUNTER),
    "ecc_uncorrected": (0.0, limits.MAX_COUNTER),
    "xid": (0.0, limits.MAX_COUNTER),
}


def plausible_power_w(value: Optional[float]) -> bool:
    """Whether a GPU power reading can be real (finite, 0 to MAX_GPU_POWER_W)."""
    low, high = METRIC_RANGES["power_w"]
    return value is not None and math.isfinite(value) and low <= value <= high


@dataclass(frozen=True)
class GpuSample:
    """One GPU at one time; `gpu` is its index on the host as nvidia-smi numbers it."""
    timestamp_s: float                       # seconds since the Unix epoch
    host: str
    gpu: int
    power_w: Optional[float] = None
    temperature_c: Optional[float] = None
    utilization_pct: Optional[float] = None
    memory_used_mib: Optional[float] = None
    memory_total_mib: Optional[float] = None
    sm_clock_mhz: Optional[float] = None
    memory_clock_mhz: Optional[float] = None
    throttle_reasons: Optional[int] = None   # NVML clocks-event (throttle) bit mask
    ecc_uncorrected: Optional[int] = None    # volatile uncorrected ECC errors
    xid: Optional[int] = None                # last XID-type critical error seen, if any
    name: str = ""                           # GPU product name, when known
    stale: bool = False                      # True: the last read failed; last good values

    @property
    def key(self) -> tuple[str, int]:
        return (self.host, self.gpu)

    def as_stale(self) -> "GpuSample":
        return replace(self, stale=True)


@dataclass(frozen=True)
class Frame:
    """All GPUs a source sees at one read, with the source's state and a message."""
    timestamp_s: float
    samples: tuple[GpuSample, ...] = ()
    state: str = CONNECTED
    message: str = ""
    warnings: tuple[str, ...] = field(default=())

    @property
    def power_w(self) -> float:
        """Total measured GPU power in W (GPUs without a figure count 0)."""
        return sum(s.power_w or 0.0 for s in self.samples)
