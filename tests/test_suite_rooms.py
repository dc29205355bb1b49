"""The accurate model against validation-suite rooms that nothing was chosen on.

No constant or setting of the model was picked by looking at these rooms:
d_tall_side_units (tall side cooling units), a_failed_unit (a failed unit),
room_s8, room_s20 and room_s24 (generated rooms of the suite,
bench/validation/generate.py). The patch boundary conditions were taken from the
reference's own case files (C1_case) and checked against f_obstacles' fields,
not these rooms'. Their OpenFOAM references
(bench/validation/rooms/NAME/result.json, 0.1 m) are in the repository. The
targets are those of C1: mean absolute intake error <= 0.5 K, every rack
within 1.0 K, energy balance within 0.5 %. The full table over every room is
printed by `python bench/validate.py` (docs/thermal.md).
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from paths import REPO
from twin.model import load_layout
from twin.thermal import solve

ROOMS = REPO / "bench" / "validation" / "rooms"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["d_tall_side_units", "a_failed_unit", "room_s8", "room_s20",
                                  "room_s24"])
def test_suite_room_matches_its_cfd_reference(name):
    ref = json.loads((ROOMS / name / "result.json").read_text())
    result = solve(load_layout(ROOMS / name / "layout.yaml"), cell_m=0.2)
    errors = {k: result.racks[k].inlet_mean_c - v["inlet_mean_c"] for k, v in ref["racks"].items()}
    mae = float(np.mean(np.abs(list(errors.values()))))
    summary = f"{name}: MAE {mae:.2f} K; " + ", ".join(f"{k} {e:+.2f}" for k, e in errors.items())
    assert result.converged, result.notes
    assert mae <= 0.5, summary
    assert max(abs(e) for e in errors.values()) <= 1.0, summary
    assert abs(result.energy_error_pct) < 0.5, summary
