"""Live and recorded GPU telemetry driving the twin (Qt-free).

Sources (`open()`, `read() -> Frame`, `close()`; a read never raises):
- `NvmlSource`: this machine's NVIDIA GPUs; without a driver it is `off`.
- `ReplaySource`: a recorded CSV file at real or accelerated speed.
- `SyntheticSource`: made-up GPUs for demos.
`live_power(layout, samples)` turns GPU power into rack heat; `Poller` reads a
source off the GUI thread with ring-buffer history and a debounced re-solve.
"""
from twin.telemetry.csvfile import COLUMNS, ReplayError, ReplayWriter, read_samples
from twin.telemetry.history import History, RingBuffer
from twin.telemetry.mapping import LivePower, RackLive, apply_live_power, bindings, live_power
from twin.telemetry.nvml import NO_DRIVER, NvmlSource
from twin.telemetry.poller import Debouncer, Poller
from twin.telemetry.replay import Recording, ReplaySource
from twin.telemetry.sample import CONNECTED, ENDED, OFF, STALE, Frame, GpuSample
from twin.telemetry.source import TelemetrySource
from twin.telemetry.synthetic import SyntheticSource

__all__ = [
    "COLUMNS", "CONNECTED", "ENDED", "NO_DRIVER", "OFF", "STALE", "Debouncer", "Frame",
    "GpuSample", "History", "LivePower", "NvmlSource", "Poller", "RackLive", "Recording",
    "ReplayError", "ReplaySource", "ReplayWriter", "RingBuffer", "SyntheticSource",
    "TelemetrySource", "apply_live_power", "bindings", "live_power", "read_samples",
]
