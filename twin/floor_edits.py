"""Undoable edits of the raised floor (Qt-free): the plenum's depth and a tile area's
perforation. Both are `SetLayoutFields` on the room or the tile list, so the model's checks
(`validate_layout`: depth in (0, 3] m, under-floor obstacles inside the plenum, open_pct in
(0, 100]) refuse a bad value and undo puts the previous object back.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from twin.commands import CommandError, SetLayoutFields
from twin.model import Layout
from twin.model.objects import RaisedFloor


def set_raised_floor(layout: Layout, height_m: Optional[float]) -> SetLayoutFields:
    """Give the room a plenum `height_m` deep, change its depth, or (None) take it away."""
    plenum = None if height_m is None else RaisedFloor(float(height_m))
    label = ("remove the raised floor" if plenum is None
             else f"set raised floor height {plenum.height_m:g} m")
    return SetLayoutFields({"room": replace(layout.room, raised_floor=plenum)}, label)


def tile_area_text(layout: Layout, index: int) -> str:
    """`tiles[i]: x 2.4–6 m, y 3.6–4.8 m` (how the inspector lists a tile area)."""
    tile = layout.tiles[index]
    return (f"tiles[{index}]: x {tile.x_m[0]:g}–{tile.x_m[1]:g} m, "
            f"y {tile.y_m[0]:g}–{tile.y_m[1]:g} m")


def set_tile_open_pct(layout: Layout, index: int, open_pct: Optional[float]) -> SetLayoutFields:
    """Set the perforation of tile area `index` (None: the 25 % default)."""
    if not 0 <= index < len(layout.tiles):
        raise CommandError(f"no tile area tiles[{index}] (the layout has {len(layout.tiles)})")
    tiles = list(layout.tiles)
    tiles[index] = replace(tiles[index], open_pct=None if open_pct is None else float(open_pct))
    value = "default" if open_pct is None else f"{open_pct:g} %"
    return SetLayoutFields({"tiles": tiles}, f"set tiles[{index}] open {value}")
