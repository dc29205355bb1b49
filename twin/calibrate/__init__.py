"""Calibration against measured readings, live residuals and early warning (Qt-free).

Public face:
- `read_measured(path, layout)` and `snapshot(measured, at_s=, window_s=)`: the
  measured file bound to the layout's sensors, units and racks;
- `calibrate(layout, measured, snapshot, Settings(...))` -> `Calibration`;
See docs/calibration.md.
"""
from twin.calibrate.calibration import Calibration, ChannelFit, ParameterFit, calibrate
from twin.calibrate.fit import Settings
from twin.calibrate.measured import Channel, Measured, MeasuredError, bind, read_measured, snapshot

__all__ = ["Calibration", "ChannelFit", "ParameterFit", "calibrate", "Settings", "Channel",
           "Measured", "MeasuredError", "bind", "read_measured", "snapshot"]
