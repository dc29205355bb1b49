"""Patches are the reference CFD's fixed-velocity patches: the air a rack front swallows leaves
its momentum along the front in the room (docs/thermal.md, "Patch momentum").

In the aisle of f_obstacles the racks draw the rising supply air away through their fronts;
the momentum that air had stays in the aisle, so a sheet of air next to each front rises
faster than the tiles blow, while the aisle's centre slows. The OpenFOAM reference shows it
(bench/validation/rooms/f_obstacles/fields.npz, 0.1 m); a model that let the swallowed air
take its momentum with it spread the jet evenly and missed the row ends by up to 6.8 K.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from paths import REPO
from twin.model import load_layout
from twin.thermal import solve

ROOM = REPO / "bench" / "validation" / "rooms" / "f_obstacles"
TILE_SPEED_MS = 6.014 / (2.4 * 1.2)          # both units' supply through the aisle's tiles


def _aisle_profile(w, cell_m, heights_m):
    """w at x = 3.3 m across the aisle (y 2.2-3.4 m) at the given heights: (front, centre)."""
    i = int(3.3 / cell_m)
    j_front, j_centre = int(2.2 / cell_m), int(2.8 / cell_m)
    ks = [int(z / cell_m) for z in heights_m]
    return w[i, j_front, ks], w[i, j_centre, ks]


@pytest.mark.slow
def test_the_supply_runs_up_the_rack_fronts_as_in_the_reference():
    heights = (1.1, 1.5, 1.9)
    with np.load(ROOM / "fields.npz") as cfd:
        front, centre = _aisle_profile(cfd["U"][..., 2], 0.1, heights)
    assert (front > TILE_SPEED_MS).all() and (centre < TILE_SPEED_MS).all()  # the reference
    result = solve(load_layout(ROOM / "layout.yaml"), cell_m=0.2)
    front, centre = _aisle_profile(result.velocity_ms[..., 2], 0.2, heights)
    assert (front > TILE_SPEED_MS).all(), front
    assert (front > 1.8 * centre).all(), (front, centre)
    # and the row ends breathe the room's warm air, as in the reference
    ref = json.loads((ROOM / "result.json").read_text())["racks"]
    for rack in ("A1", "A4", "B1", "B4"):
        assert abs(result.racks[rack].inlet_mean_c - ref[rack]["inlet_mean_c"]) < 1.0, rack
