"""Floor maps of a comparison (Qt-free, no physics): baseline, scenario, or their difference.

The difference is the scenario's temperature field minus the baseline's, cell
by cell (`twin.scenario.compare.temperature_difference_k`); it is drawn on a
diverging colour scale of +-span, the span the first step of
DIFFERENCE_SPANS_K that covers the largest change: a colour means the same
change in every comparison of that size, and a failure that heats the room
by 15 K does not saturate at 10 K.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from twin.gui.fields import TEMPERATURE_LEVELS_C

DIFFERENCE_SPANS_K = (2.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0)
MAP_MODES = (("live", "Live result"), ("baseline", "Baseline"), ("scenario", "Scenario"),
             ("difference", "Difference (scenario − baseline)"))


@dataclass(frozen=True)
class FloorMap:
    """A cell field to draw on the floor instead of the live temperatures."""
    mode: str                       # "baseline" | "scenario" | "difference"
    field: np.ndarray               # (nx, ny, nz); NaN inside solids
    room_m: tuple
    levels: tuple                   # colour scale (low, high)
    diverging: bool
    label: str                      # colour bar label
    unit: str                       # "°C" or "K", for the probe
    velocity_ms: Optional[np.ndarray] = None
    result: object = None           # the ThermalResult whose intakes and returns label the items
    unit_states: tuple = ()         # (unit id, state) of the variant shown, e.g. a failed unit


def modes_for(study) -> list[str]:
    """The map modes a study can show (no scenario map when no cooling unit runs)."""
    if study is None:
        return ["live"]
    if study.scen is None:
        return ["live", "baseline"]
    return ["live", "baseline", "scenario", "difference"]


def floor_map(study, mode: str) -> Optional[FloorMap]:
    """The map of `mode` for a study; None for "live" or a mode the study cannot show."""
    if study is None or mode not in modes_for(study) or mode == "live":
        return None
    room = tuple(study.base.layout.room.size_m)
    shown = study.base if mode == "baseline" else study.scen
    r = shown.result
    states = tuple((u.id, u.state) for u in shown.layout.cooling_units)
    if mode == "baseline":
        return FloorMap(mode, r.temperature_c, room, TEMPERATURE_LEVELS_C, False,
                        "baseline air temperature (°C)", "°C", r.velocity_ms, r, states)
    if mode == "scenario":
        return FloorMap(mode, r.temperature_c, room, TEMPERATURE_LEVELS_C, False,
                        "scenario air temperature (°C)", "°C", r.velocity_ms, r, states)
    from twin.scenario.compare import temperature_difference_k
    diff = temperature_difference_k(study.base, study.scen)
    if diff is None:
        return None
    span = difference_span_k(diff)
    return FloorMap(mode, diff, room, (-span, span), True,
                    "scenario − baseline (K)", "K", r.velocity_ms, r, states)


def difference_span_k(diff_k: np.ndarray) -> float:
    """Half-width of the difference scale: the first DIFFERENCE_SPANS_K step >= max |change|."""
    finite = np.abs(diff_k[np.isfinite(diff_k)])
    largest = float(finite.max()) if finite.size else 0.0
    return next((span for span in DIFFERENCE_SPANS_K if largest <= span), DIFFERENCE_SPANS_K[-1])
