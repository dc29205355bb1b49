"""Undoable edits of the format-2 air-side objects (Qt-free): obstacles, containment, sensors.

Same `Command` rules as `commands.py`: every edit is checked with
`validate_layout` and refused with a one-line reason, and edits sharing a
`merge_id` (one drag) are one undo step. Rack air zones and rear doors and
in-row units' keys are plain fields of racks and cooling units
(`commands.set_fields`); in-row placement is in `inrow_snap.py`, aisle
containment in `aisles.py`.
"""
from __future__ import annotations

import copy
from typing import Any, Optional

from twin.commands import ROUND_DIGITS, Command, CommandError, SetFields
from twin.model import Layout
from twin.model.objects import Aisle, Box, Containment, Obstacle, Sensor

LISTS = {"obstacle": "obstacles", "containment": "containment", "sensor": "sensors"}
KINDS = {Obstacle: "obstacle", Containment: "containment", Sensor: "sensor"}
FIELDS = {"obstacle": ("id", "box_m"),
          "containment": ("id", "aisle_m", "kind", "height_m", "roof", "doors", "door_gap_m"),
          "sensor": ("id", "position_m", "kind")}
SNAP_M = 0.05           # objects move and resize on a 5 cm grid
MIN_SIZE_M = 0.05       # the smallest obstacle or aisle side a resize leaves


def find_object(layout: Layout, obj_id: str) -> tuple[str, Any, int]:
    """("obstacle" | "containment" | "sensor", object, index) of the object with this id."""
    for kind, name in LISTS.items():
        for i, obj in enumerate(getattr(layout, name)):
            if obj.id == obj_id:
                return kind, obj, i
    raise CommandError(f'no obstacle, containment or sensor with id "{obj_id}"')


def is_object(layout: Layout, obj_id: str) -> bool:
    return any(o.id == obj_id for name in LISTS.values() for o in getattr(layout, name))


def all_ids(layout: Layout) -> set[str]:
    """Every id in the layout (ids are unique across the whole file)."""
    ids = {r.id for r in layout.racks} | {u.id for u in layout.cooling_units}
    return ids | {o.id for name in LISTS.values() for o in getattr(layout, name)}


def fresh_id(layout: Layout, prefix: str) -> str:
    """The first `<prefix><n>` no object of the layout uses."""
    used, n = all_ids(layout), 1
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"


def snap(value_m: float, step_m: float = SNAP_M) -> float:
    return round(round(value_m / step_m) * step_m, ROUND_DIGITS) + 0.0


class AddObject(Command):
    """Add an obstacle, containment or sensor (appended, or at `index` in its list)."""

    def __init__(self, obj: Any, index: Optional[int] = None, label: str = ""):
        super().__init__()
        self.obj = copy.deepcopy(obj)
        self.kind = KINDS[type(obj)]
        self.index = index
        self.item_id = obj.id
        self.label = label or f"add {self.kind} {obj.id}"

    def redo(self, layout: Layout) -> None:
        items = getattr(layout, LISTS[self.kind])
        self.index = len(items) if self.index is None else self.index
        items.insert(self.index, copy.deepcopy(self.obj))

    def undo(self, layout: Layout) -> None:
        del getattr(layout, LISTS[self.kind])[self.index]


class DeleteObject(Command):
    """Remove an obstacle, containment or sensor; undo puts it back where it was."""

    def __init__(self, obj_id: str, label: str = ""):
        super().__init__()
        self.item_id = obj_id
        self.kind, self.obj, self.index = "", None, -1
        self.label = label or f"delete {obj_id}"

    def redo(self, layout: Layout) -> None:
        self.kind, self.obj, self.index = find_object(layout, self.item_id)
        del getattr(layout, LISTS[self.kind])[self.index]

    def undo(self, layout: Layout) -> None:
        getattr(layout, LISTS[self.kind]).insert(self.index, self.obj)


class SetObject(SetFields):
    """Set fields of one object (by id); sub-objects (boxes, aisles) are replaced whole."""

    def __init__(self, obj_id: str, changes: dict[str, Any], label: str = "",
                 merge_id: Optional[str] = None):
        super().__init__(obj_id, copy.deepcopy(dict(changes)), label, merge_id)

    def _find(self, layout: Layout, obj_id: str) -> tuple[str, Any, tuple]:
        kind, obj, _ = find_object(layout, obj_id)
        return kind, obj, FIELDS[kind]


# -- builders -----------------------------------------------------------------------

def set_object(layout: Layout, obj_id: str, label: str = "", **changes: Any) -> SetObject:
    """Set fields, e.g. `set_object(layout, "HAC-1", door_gap_m=0.05)`."""
    find_object(layout, obj_id)
    return SetObject(obj_id, changes, label or f"edit {obj_id}")


def delete_object(layout: Layout, obj_id: str) -> DeleteObject:
    find_object(layout, obj_id)
    return DeleteObject(obj_id)


def footprint_m(obj: Any) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of an object on the plan (a sensor is a point)."""
    if isinstance(obj, Obstacle):
        (x0, x1), (y0, y1) = obj.box_m.x_m, obj.box_m.y_m
    elif isinstance(obj, Containment):
        (x0, x1), (y0, y1) = obj.aisle_m.x_m, obj.aisle_m.y_m
    else:
        x0, y0 = x1, y1 = obj.position_m[:2]
    return float(x0), float(y0), float(x1), float(y1)


def _placed(obj: Any, x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    """The changes that give an object this plan rectangle."""
    x, y = (snap(x0), snap(x1)), (snap(y0), snap(y1))
    if isinstance(obj, Obstacle):
        return {"box_m": Box(x, y, tuple(obj.box_m.z_m))}
    if isinstance(obj, Containment):
        return {"aisle_m": Aisle(x, y)}
    return {"position_m": (x[0], y[0], float(obj.position_m[2]))}


def move_object(layout: Layout, obj_id: str, corner_m, merge_id: Optional[str] = None) -> SetObject:
    """Move an object so its south-west corner (a sensor: its point) is at corner_m, snapped."""
    _, obj, _ = find_object(layout, obj_id)
    x0, y0, x1, y1 = footprint_m(obj)
    dx, dy = snap(corner_m[0]) - x0, snap(corner_m[1]) - y0
    return SetObject(obj_id, _placed(obj, x0 + dx, y0 + dy, x1 + dx, y1 + dy), f"move {obj_id}",
                     merge_id)


def resize_object(layout: Layout, obj_id: str, corner_m, merge_id: Optional[str] = None) -> SetObject:
    """Resize an obstacle or aisle by dragging its north-east corner to corner_m (snapped)."""
    kind, obj, _ = find_object(layout, obj_id)
    if kind == "sensor":
        raise CommandError(f"resize refused: sensor {obj_id} is a point")
    x0, y0, _, _ = footprint_m(obj)
    x1 = max(snap(corner_m[0]), x0 + MIN_SIZE_M)
    y1 = max(snap(corner_m[1]), y0 + MIN_SIZE_M)
    return SetObject(obj_id, _placed(obj, x0, y0, x1, y1), f"resize {obj_id}", merge_id)


def new_obstacle(layout: Layout, prefix: str, size_m, z_m, centre_m) -> Obstacle:
    """An obstacle of a plan size and z range centred near centre_m, snapped, with a fresh id."""
    x0, y0 = snap(centre_m[0] - size_m[0] / 2), snap(centre_m[1] - size_m[1] / 2)
    box = Box((x0, snap(x0 + size_m[0])), (y0, snap(y0 + size_m[1])), tuple(z_m))
    return Obstacle(fresh_id(layout, prefix), box)


def new_sensor(layout: Layout, prefix: str, z_m: float, at_m) -> Sensor:
    return Sensor(fresh_id(layout, prefix), (snap(at_m[0]), snap(at_m[1]), float(z_m)))
