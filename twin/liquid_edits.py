"""Undoable edits of a layout's `liquid` section (Qt-free), in the manner of twin.commands.

    stack.push(set_cdu(layout, "CDU-1", capacity_kw=1200))
    stack.push(set_facility(layout, supply_c=40))          # or state="failed"
    stack.push(serve_rack(layout, "G3", ["CDU-2"]))         # which CDUs feed a rack

Every command is checked with `validate_layout` like any other edit: a bad
value (a negative capacity, a supply above 90 °C) or a liquid-cooled rack
left without a CDU is refused with a one-line message and undone.
"""
from __future__ import annotations

from typing import Any, Optional

from twin.commands import Command, CommandError
from twin.model import Layout

CDU_FIELDS = ("position_m", "capacity_kw", "approach_k", "pump_kw", "state", "group",
              "flow_lpm", "loop_volume_l")
FACILITY_FIELDS = ("supply_c", "state")
LIQUID_FIELDS = ("coolant_limit_c", "rack_volume_l", "flow_lpm_per_kw")


def _liquid(layout: Layout, label: str):
    liquid = getattr(layout, "liquid", None)
    if liquid is None:
        raise CommandError(f"{label} refused: the layout has no liquid section")
    return liquid


def _cdu(layout: Layout, cdu_id: str, label: str):
    for cdu in _liquid(layout, label).cdus:
        if cdu.id == cdu_id:
            return cdu
    raise CommandError(f'{label} refused: no CDU with id "{cdu_id}"')


def _unknown(changes: dict, allowed: tuple, what: str, label: str) -> None:
    unknown = [name for name in changes if name not in allowed]
    if unknown:
        raise CommandError(f"{label} refused: {what} has no field {unknown[0]!r}")


class SetCduFields(Command):
    """Set fields of one CDU (capacity, approach, pump power, state, group...)."""

    def __init__(self, cdu_id: str, changes: dict[str, Any], label: str = ""):
        super().__init__()
        self.cdu_id = cdu_id
        self.changes = dict(changes)
        self.before: Optional[dict[str, Any]] = None
        self.label = label or f"edit {cdu_id}"
        _unknown(self.changes, CDU_FIELDS, "a CDU", self.label)

    def redo(self, layout: Layout) -> None:
        cdu = _cdu(layout, self.cdu_id, self.label)
        if self.before is None:
            self.before = {name: getattr(cdu, name) for name in self.changes}
        for name, value in self.changes.items():
            setattr(cdu, name, value)

    def undo(self, layout: Layout) -> None:
        cdu = _cdu(layout, self.cdu_id, self.label)
        for name, value in (self.before or {}).items():
            setattr(cdu, name, value)


class SetLiquidFields(Command):
    """Set the facility water's fields (`facility`) and the loop's own (`loop`) in one step."""

    def __init__(self, facility: dict[str, Any], loop: dict[str, Any], label: str):
        super().__init__()
        self.facility, self.loop = dict(facility), dict(loop)
        self.label = label
        _unknown(self.facility, FACILITY_FIELDS, "the facility water", label)
        _unknown(self.loop, LIQUID_FIELDS, "the liquid section", label)
        self.before: Optional[tuple[dict, dict]] = None

    def redo(self, layout: Layout) -> None:
        liquid = _liquid(layout, self.label)
        water = liquid.facility_water
        if self.before is None:
            self.before = ({n: getattr(water, n) for n in self.facility},
                           {n: getattr(liquid, n) for n in self.loop})
        for name, value in self.facility.items():
            setattr(water, name, value)
        for name, value in self.loop.items():
            setattr(liquid, name, value)

    def undo(self, layout: Layout) -> None:
        liquid = _liquid(layout, self.label)
        facility, loop = self.before or ({}, {})
        for name, value in facility.items():
            setattr(liquid.facility_water, name, value)
        for name, value in loop.items():
            setattr(liquid, name, value)


class ServeRack(Command):
    """Make exactly `cdu_ids` the CDUs that feed a rack (taken off every other CDU's list)."""

    def __init__(self, rack_id: str, cdu_ids: list[str], label: str = ""):
        super().__init__()
        self.rack_id = rack_id
        self.cdu_ids = list(dict.fromkeys(cdu_ids))
        self.before: Optional[dict[str, list[str]]] = None
        self.label = label or f"set the CDUs of {rack_id}"

    def redo(self, layout: Layout) -> None:
        liquid = _liquid(layout, self.label)
        known = {c.id for c in liquid.cdus}
        missing = [c for c in self.cdu_ids if c not in known]
        if missing:
            raise CommandError(f'{self.label} refused: no CDU with id "{missing[0]}"')
        if self.before is None:
            self.before = {c.id: list(c.racks) for c in liquid.cdus}
        for cdu in liquid.cdus:
            listed = self.rack_id in cdu.racks
            if cdu.id in self.cdu_ids and not listed:
                cdu.racks = list(cdu.racks) + [self.rack_id]
            elif cdu.id not in self.cdu_ids and listed:
                cdu.racks = [r for r in cdu.racks if r != self.rack_id]

    def undo(self, layout: Layout) -> None:
        for cdu in _liquid(layout, self.label).cdus:
            if cdu.id in (self.before or {}):
                cdu.racks = list(self.before[cdu.id])


# -- builders -------------------------------------------------------------------

def set_cdu(layout: Layout, cdu_id: str, label: str = "", **changes: Any) -> SetCduFields:
    """e.g. `set_cdu(layout, "CDU-1", state="failed")`; CommandError for an unknown CDU."""
    _cdu(layout, cdu_id, label or f"edit {cdu_id}")
    if not label and set(changes) == {"state"}:
        label = f"set {cdu_id} {changes['state']}"
    return SetCduFields(cdu_id, changes, label)


def set_facility(layout: Layout, label: str = "", **changes: Any) -> SetLiquidFields:
    """Facility-water fields (supply_c, state) and loop fields (coolant_limit_c, ...) by name."""
    label = label or ("set facility water " + str(changes["state"]) if set(changes) == {"state"}
                      else "edit the liquid loop")
    _liquid(layout, label)
    facility = {k: v for k, v in changes.items() if k in FACILITY_FIELDS}
    loop = {k: v for k, v in changes.items() if k not in FACILITY_FIELDS}
    return SetLiquidFields(facility, loop, label)


def serve_rack(layout: Layout, rack_id: str, cdu_ids: list[str]) -> ServeRack:
    """The CDUs that feed `rack_id` become exactly `cdu_ids` (an empty list: none)."""
    if not any(r.id == rack_id for r in layout.racks):
        raise CommandError(f'set the CDUs refused: no rack with id "{rack_id}"')
    return ServeRack(rack_id, cdu_ids)


def cdus_of(layout: Layout, rack_id: str) -> list[str]:
    """The CDUs that list `rack_id` (in the file's order)."""
    liquid = getattr(layout, "liquid", None)
    return [] if liquid is None else [c.id for c in liquid.cdus if rack_id in c.racks]
