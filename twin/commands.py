"""Undoable edits of a layout (Qt-free): the GUI, scripts and tests share them.

    stack = CommandStack(layout)
    stack.push(move(layout, "A1", (3.0, 1.2)))   # raises CommandError, layout unchanged
    stack.undo(); stack.redo()

Every command checks the edited layout with `validate_layout`; a bad edit is
rolled back and refused with a one-line message naming the equipment.
Commands that share a `merge_id` (one drag, one run of arrow-key nudges)
collapse into one undo step.
"""
from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional, Union

from twin.model import CoolingUnit, Layout, LayoutError, Rack, validate_layout

Item = Union[Rack, CoolingUnit]
CLOCKWISE = {"+y": "+x", "+x": "-y", "-y": "-x", "-x": "+y"}
RACK_FIELDS = ("id", "position_m", "size_m", "facing", "power_kw", "delta_t_k", "airflow_m3s",
               "air_zone_m", "rear_door")
UNIT_FIELDS = ("id", "position_m", "size_m", "airflow_m3s", "supply_temp_c", "state",
               "kind", "facing", "supply", "return_", "supply_zone_m")
LAYOUT_FIELDS = ("name", "ashrae_class", "room", "tiles")
GROUP_NAMES = {"racks": "rack", "cooling_units": "cooling unit", "obstacles": "obstacle",
               "containment": "containment", "sensors": "sensor"}
ROUND_DIGITS = 6        # positions are kept to the micrometre so files stay readable


class CommandError(ValueError):
    """An edit that was refused; `str()` is a one-line message for the user."""


# -- finding equipment ------------------------------------------------------

def find_item(layout: Layout, item_id: str) -> tuple[str, Item, int]:
    """("rack" | "unit", object, index) of the rack or cooling unit with this id."""
    for i, rack in enumerate(layout.racks):
        if rack.id == item_id:
            return "rack", rack, i
    for i, unit in enumerate(layout.cooling_units):
        if unit.id == item_id:
            return "unit", unit, i
    raise CommandError(f'no rack or cooling unit with id "{item_id}"')


def _items(layout: Layout, kind: str) -> list:
    return layout.racks if kind == "rack" else layout.cooling_units


def _describe_field(layout: Layout, field_path: str) -> str:
    """`racks[3].power_kw` -> `rack "B1" power_kw`, for messages."""
    match = re.match(r"(racks|cooling_units|obstacles|containment|sensors)\[(\d+)\]\.?(.*)",
                     field_path)
    if not match:
        return field_path
    group, index, rest = match.group(1), int(match.group(2)), match.group(3)
    items = getattr(layout, group)
    kind = GROUP_NAMES[group]
    name = f'{kind} "{items[index].id}"' if index < len(items) else f"{group}[{index}]"
    return f"{name} {rest}".strip()


def refusal_message(layout: Layout, error: LayoutError) -> str:
    """A LayoutError of an edited layout as one line without the file prefix."""
    message = error.message
    if not error.field or message.startswith(('rack "', 'cooling unit "', 'obstacle "',
                                                 'containment "', "duplicate")):
        return message
    return f"{_describe_field(layout, error.field)}: {message}"


# -- commands ---------------------------------------------------------------

class Command:
    """One undoable edit. Subclasses implement `redo` and `undo` on a layout."""

    label = "edit"
    merge_id: Optional[str] = None

    def __init__(self) -> None:
        self.warnings: list = []

    def redo(self, layout: Layout) -> None:
        raise NotImplementedError

    def undo(self, layout: Layout) -> None:
        raise NotImplementedError

    def execute(self, layout: Layout) -> None:
        """Apply and validate; on a problem roll back and raise CommandError."""
        self.redo(layout)
        try:
            self.warnings = validate_layout(layout)
        except LayoutError as exc:
            message = refusal_message(layout, exc)
            self.undo(layout)
            raise CommandError(f"{self.label} refused: {message}") from None

    def merge(self, other: "Command") -> bool:
        """Absorb a later command with the same merge_id; False if not possible."""
        return False


class SetFields(Command):
    """Set attributes of one rack or cooling unit (by id) in one step."""

    def __init__(self, item_id: str, changes: dict[str, Any], label: str = "",
                 merge_id: Optional[str] = None):
        super().__init__()
        self.item_id = item_id
        self.changes = dict(changes)
        self.before: Optional[dict[str, Any]] = None
        self.label = label or f"edit {item_id}"
        self.merge_id = merge_id

    @property
    def final_id(self) -> str:
        return self.changes.get("id", self.item_id)

    def _find(self, layout: Layout, item_id: str) -> tuple[str, Any, tuple]:
        """(kind, object, the fields it may set) of the edited item."""
        kind, item, _ = find_item(layout, item_id)
        return kind, item, RACK_FIELDS if kind == "rack" else UNIT_FIELDS

    def redo(self, layout: Layout) -> None:
        kind, item, allowed = self._find(layout, self.item_id)
        unknown = [name for name in self.changes if name not in allowed]
        if unknown:
            raise CommandError(f"{self.label} refused: a {kind} has no field {unknown[0]!r}")
        if self.before is None:
            self.before = {name: getattr(item, name) for name in self.changes}
        for name, value in self.changes.items():
            setattr(item, name, value)

    def undo(self, layout: Layout) -> None:
        _, item, _ = self._find(layout, self.final_id)
        for name, value in (self.before or {}).items():
            setattr(item, name, value)

    def merge(self, other: Command) -> bool:
        if type(other) is not type(self) or other.item_id != self.final_id:
            return False
        if "id" in other.changes or "id" in self.changes:
            return False
        for name, value in (other.before or {}).items():
            self.before.setdefault(name, value)
        self.changes.update(other.changes)
        return True


class AddItem(Command):
    """Add a rack or cooling unit (appended, or at `index` in its list)."""

    def __init__(self, item: Item, index: Optional[int] = None, label: str = ""):
        super().__init__()
        self.item = copy.deepcopy(item)
        self.kind = "rack" if isinstance(item, Rack) else "unit"
        self.index = index
        self.label = label or f"add {self.item.id}"

    def redo(self, layout: Layout) -> None:
        items = _items(layout, self.kind)
        index = len(items) if self.index is None else self.index
        items.insert(index, copy.deepcopy(self.item))
        self.index = index

    def undo(self, layout: Layout) -> None:
        del _items(layout, self.kind)[self.index]


class DeleteItem(Command):
    """Remove a rack or cooling unit; undo puts it back where it was in the list."""

    def __init__(self, item_id: str, label: str = ""):
        super().__init__()
        self.item_id = item_id
        self.kind = ""
        self.index = -1
        self.item: Optional[Item] = None
        self.label = label or f"delete {item_id}"

    def redo(self, layout: Layout) -> None:
        self.kind, self.item, self.index = find_item(layout, self.item_id)
        del _items(layout, self.kind)[self.index]

    def undo(self, layout: Layout) -> None:
        _items(layout, self.kind).insert(self.index, self.item)


class SetLayoutFields(Command):
    """Set top-level layout fields such as the name or the ASHRAE class."""

    def __init__(self, changes: dict[str, Any], label: str = "edit layout"):
        super().__init__()
        unknown = [name for name in changes if name not in LAYOUT_FIELDS]
        if unknown:
            raise CommandError(f"{label} refused: the layout has no field {unknown[0]!r}")
        self.changes = dict(changes)
        self.before: dict[str, Any] = {}
        self.label = label

    def redo(self, layout: Layout) -> None:
        self.before = {name: getattr(layout, name) for name in self.changes}
        for name, value in self.changes.items():
            setattr(layout, name, value)

    def undo(self, layout: Layout) -> None:
        for name, value in self.before.items():
            setattr(layout, name, value)


# -- command builders ---------------------------------------------------------

def move(layout: Layout, item_id: str, position_m: tuple[float, float],
         merge_id: Optional[str] = None) -> SetFields:
    """Move a rack or cooling unit so its south-west corner is at position_m."""
    find_item(layout, item_id)
    x, y = (round(float(v), ROUND_DIGITS) for v in position_m)
    return SetFields(item_id, {"position_m": (x, y)}, f"move {item_id}", merge_id)


def rotate(layout: Layout, rack_id: str) -> SetFields:
    """Turn a rack a quarter clockwise about its centre, snapped to the tile grid."""
    kind, rack, _ = find_item(layout, rack_id)
    if kind != "rack":
        raise CommandError(f'rotate refused: "{rack_id}" is a cooling unit; only racks rotate')
    sx, sy, sz = rack.size_m
    cx, cy = rack.position_m[0] + sx / 2, rack.position_m[1] + sy / 2
    tile = layout.room.tile_m
    x = snap_m(cx - sy / 2, sy, tile)
    y = snap_m(cy - sx / 2, sx, tile)
    changes = {"size_m": (sy, sx, sz), "facing": CLOCKWISE[rack.facing], "position_m": (x, y)}
    return SetFields(rack_id, changes, f"rotate {rack_id}")


def set_fields(layout: Layout, item_id: str, label: str = "", **changes: Any) -> SetFields:
    """Set fields of a rack or unit, e.g. `set_fields(layout, "A1", power_kw=12)`."""
    find_item(layout, item_id)
    return SetFields(item_id, changes, label or f"edit {item_id}")


def rack_airflow(layout: Layout, rack_id: str, delta_t_k: Optional[float] = None,
                 airflow_m3s: Optional[float] = None) -> SetFields:
    """Give a rack either a temperature rise or an airflow (the other is cleared)."""
    return set_fields(layout, rack_id, f"set airflow of {rack_id}",
                      delta_t_k=delta_t_k, airflow_m3s=airflow_m3s)


def delete(layout: Layout, item_id: str) -> DeleteItem:
    find_item(layout, item_id)
    return DeleteItem(item_id)


def problem(layout: Layout, command: Command) -> Optional[str]:
    """Why a command would be refused, or None; the layout is left as it was."""
    try:
        command.execute(layout)
    except CommandError as exc:
        return str(exc)
    command.undo(layout)
    return None


# -- grid, ids and free space ---------------------------------------------------

def snap_m(start_m: float, length_m: float, tile_m: float) -> float:
    """Snap a box edge to the tile grid: whichever of its two ends lands nearer a grid line."""
    low = round(start_m / tile_m) * tile_m
    high = round((start_m + length_m) / tile_m) * tile_m - length_m
    best = low if abs(low - start_m) <= abs(high - start_m) else high
    return round(best, ROUND_DIGITS) + 0.0


def snap_position(layout: Layout, size_m, position_m) -> tuple[float, float]:
    """Snap a footprint's south-west corner (x, y) to the room's tile grid."""
    tile = layout.room.tile_m
    return (snap_m(position_m[0], size_m[0], tile), snap_m(position_m[1], size_m[1], tile))


def unique_id(layout: Layout, prefix: str) -> str:
    """The first `<prefix><n>` not used by any object (ids are unique across the file)."""
    used = {r.id for r in layout.racks} | {u.id for u in layout.cooling_units}
    used |= {o.id for o in (*layout.obstacles, *layout.containment, *layout.sensors)}
    n = 1
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"


def placement_problem(layout: Layout, item_id: str, size_m, position_m) -> Optional[str]:
    """Why a footprint at position_m cannot stand there (outside, overlap), or None."""
    lx, ly = layout.room.size_m[:2]
    x0, y0 = position_m
    x1, y1 = x0 + size_m[0], y0 + size_m[1]
    eps = 1e-6
    if x0 < -eps or y0 < -eps or x1 > lx + eps or y1 > ly + eps:
        return f"{item_id} would stand outside the room ({lx:g} x {ly:g} m)"
    cdus = layout.liquid.cdus if layout.liquid is not None else ()
    for other in (*layout.cooling_units, *layout.racks, *cdus):      # CDUs are floor cabinets
        if other.id == item_id:
            continue
        (ox, oy), (sx, sy) = other.position_m, other.size_m[:2]
        if min(x1, ox + sx) - max(x0, ox) > eps and min(y1, oy + sy) - max(y0, oy) > eps:
            return f"{item_id} would overlap {other.id}"
    return None


def _ring(n: int) -> Iterator[tuple[int, int]]:
    """Grid offsets at Chebyshev distance n, nearest first."""
    cells = [(i, j) for i in range(-n, n + 1) for j in range(-n, n + 1) if max(abs(i), abs(j)) == n]
    return iter(sorted(cells, key=lambda c: math.hypot(*c)))


def free_position(layout: Layout, size_m, near_m, item_id: str = "") -> Optional[tuple[float, float]]:
    """The grid position nearest `near_m` where a footprint fits, or None if the room is full."""
    tile = layout.room.tile_m
    lx, ly = layout.room.size_m[:2]
    start = snap_position(layout, size_m, (near_m[0] - size_m[0] / 2, near_m[1] - size_m[1] / 2))
    reach = int(max(lx, ly) / tile) + 1
    for n in range(reach + 1):
        for i, j in _ring(n):
            pos = (round(start[0] + i * tile, ROUND_DIGITS), round(start[1] + j * tile, ROUND_DIGITS))
            if placement_problem(layout, item_id, size_m, pos) is None:
                return pos
    return None


# -- the stack ------------------------------------------------------------------

@dataclass
class CommandStack:
    """Done and undone commands of one layout, with a clean (saved) mark.

    Listeners are called as `listener(event, command)` with event one of
    "push", "merge", "undo", "redo", "clean", "clear".
    """

    layout: Layout
    limit: int = 0                           # 0: unlimited
    _done: list = field(default_factory=list)
    _undone: list = field(default_factory=list)
    _clean: Optional[int] = 0                # len(_done) at the last save; None: unreachable
    _listeners: list = field(default_factory=list)

    def subscribe(self, listener: Callable[[str, Optional[Command]], None]) -> None:
        self._listeners.append(listener)

    def _emit(self, event: str, command: Optional[Command]) -> None:
        for listener in list(self._listeners):
            listener(event, command)

    def push(self, command: Command) -> Command:
        """Execute and record a command; CommandError leaves everything unchanged."""
        command.execute(self.layout)
        top = self._done[-1] if self._done else None
        merged = (top is not None and command.merge_id is not None and not self._undone
                  and top.merge_id == command.merge_id and self._clean != len(self._done)
                  and top.merge(command))
        if merged:
            top.warnings = command.warnings
        else:
            if self._clean is not None and self._clean > len(self._done):
                self._clean = None
            self._done.append(command)
            self._trim()
        self._undone.clear()
        self._emit("merge" if merged else "push", top if merged else command)
        return top if merged else command

    def _trim(self) -> None:
        if self.limit and len(self._done) > self.limit:
            drop = len(self._done) - self.limit
            del self._done[:drop]
            self._clean = None if self._clean is None or self._clean < drop else self._clean - drop

    def undo(self) -> Optional[Command]:
        if not self._done:
            return None
        command = self._done.pop()
        command.undo(self.layout)
        self._undone.append(command)
        self._emit("undo", command)
        return command

    def redo(self) -> Optional[Command]:
        if not self._undone:
            return None
        command = self._undone.pop()
        command.redo(self.layout)
        self._done.append(command)
        self._emit("redo", command)
        return command

    def can_undo(self) -> bool:
        return bool(self._done)

    def can_redo(self) -> bool:
        return bool(self._undone)

    def undo_label(self) -> str:
        return self._done[-1].label if self._done else ""

    def redo_label(self) -> str:
        return self._undone[-1].label if self._undone else ""

    def __len__(self) -> int:
        return len(self._done)

    @property
    def is_clean(self) -> bool:
        return self._clean == len(self._done)

    def set_clean(self) -> None:
        """Mark the current state as saved."""
        self._clean = len(self._done)
        self._emit("clean", None)

    def clear(self, layout: Optional[Layout] = None) -> None:
        """Forget all history (e.g. after opening a file); the state counts as saved."""
        if layout is not None:
            self.layout = layout
        self._done.clear()
        self._undone.clear()
        self._clean = 0
        self._emit("clear", None)


# -- rack equipment -------------------------------------------------------------

EQUIPMENT_FIELDS = ("model", "position_u", "count", "utilization_pct")


def _refresh_power(layout: Layout) -> None:
    """Re-derive power_kw of racks with equipment; unknown models are left to validation."""
    from twin.model import refresh_rack_power
    try:
        refresh_rack_power(layout)
    except KeyError:
        pass


class SetEquipment(Command):
    """Replace a rack's equipment list; its power_kw follows (refresh_rack_power)."""

    def __init__(self, rack_id: str, equipment: list, label: str = ""):
        super().__init__()
        self.item_id = rack_id
        self.equipment = copy.deepcopy(list(equipment))
        self.before: Optional[tuple[list, float]] = None
        self.label = label or f"edit equipment of {rack_id}"

    def redo(self, layout: Layout) -> None:
        rack = layout.rack(self.item_id)
        if self.before is None:
            self.before = (copy.deepcopy(rack.equipment), rack.power_kw)
        rack.equipment = copy.deepcopy(self.equipment)
        _refresh_power(layout)

    def undo(self, layout: Layout) -> None:
        rack = layout.rack(self.item_id)
        rack.equipment, rack.power_kw = copy.deepcopy(self.before[0]), self.before[1]


def _rack_equipment(layout: Layout, rack_id: str) -> list:
    kind, rack, _ = find_item(layout, rack_id)
    if kind != "rack":
        raise CommandError(f'"{rack_id}" is a cooling unit; only racks hold equipment')
    return copy.deepcopy(rack.equipment)


def _check_model(layout: Layout, model: str, label: str) -> None:
    from twin.model.catalog import equipment_types
    if model not in equipment_types(layout):
        raise CommandError(f'{label} refused: no equipment model "{model}" in the catalog')


def edit_equipment(layout: Layout, rack_id: str, index: int, label: str = "",
                   **changes: Any) -> SetEquipment:
    """Change fields of one equipment entry, e.g. `edit_equipment(layout, "A1", 0, count=2)`."""
    items = _rack_equipment(layout, rack_id)
    label = label or f"edit equipment of {rack_id}"
    if not 0 <= index < len(items):
        raise CommandError(f"{label} refused: rack {rack_id} has no equipment entry {index}")
    unknown = [name for name in changes if name not in EQUIPMENT_FIELDS]
    if unknown:
        raise CommandError(f"{label} refused: equipment has no field {unknown[0]!r}")
    if "model" in changes:
        _check_model(layout, changes["model"], label)
    for name, value in changes.items():
        setattr(items[index], name, value)
    return SetEquipment(rack_id, items, label)


def add_equipment(layout: Layout, rack_id: str, model: str, position_u: float,
                  count: Optional[int] = None, utilization_pct: Optional[float] = None) -> SetEquipment:
    """Mount `count` units of a catalog model in a rack from rack unit `position_u` up."""
    from twin.model import Equipment
    items = _rack_equipment(layout, rack_id)
    label = f"add {model} to {rack_id}"
    _check_model(layout, model, label)
    items.append(Equipment(model, position_u, count, utilization_pct))
    return SetEquipment(rack_id, items, label)


def remove_equipment(layout: Layout, rack_id: str, index: int) -> SetEquipment:
    """Take one equipment entry out of a rack; the last one leaves power_kw as it was."""
    items = _rack_equipment(layout, rack_id)
    if not 0 <= index < len(items):
        raise CommandError(f"remove equipment refused: rack {rack_id} has no entry {index}")
    removed = items.pop(index)
    return SetEquipment(rack_id, items, f"remove {removed.model} from {rack_id}")


# -- scenarios --------------------------------------------------------------------

class AddScenario(Command):
    """Append a named scenario (what-if edits against the layout) to its `scenarios:` list."""

    def __init__(self, scenario, label: str = ""):
        super().__init__()
        self.scenario = copy.deepcopy(scenario)
        self.index = -1
        self.label = label or f'add scenario "{scenario.name}"'

    def redo(self, layout: Layout) -> None:
        self.index = len(layout.scenarios)
        layout.scenarios.append(copy.deepcopy(self.scenario))

    def undo(self, layout: Layout) -> None:
        del layout.scenarios[self.index]


def add_scenario(layout: Layout, name: str, edits: list,
                 description: Optional[str] = None) -> AddScenario:
    """A command that saves `edits` as the scenario `name` (refused when the name is taken)."""
    from twin.model.scenarios import Scenario
    name = (name or "").strip()
    label = f'add scenario "{name}"'
    if not name:
        raise CommandError("add scenario refused: a scenario needs a name")
    if any(s.name == name for s in layout.scenarios):
        raise CommandError(f'{label} refused: the layout has a scenario named "{name}" already')
    return AddScenario(Scenario(name=name, edits=copy.deepcopy(list(edits)), description=description),
                       label)
