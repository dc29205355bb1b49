"""Applying a scenario's edits to a copy of a layout, through the undoable commands.

Every edit goes through `twin.commands`, so a scenario obeys exactly the rules
of an edit made by hand in the app (inside the room, no overlaps, valid values).
Failed power components have no state in the layout: they are returned as a set
for the power analysis (docs/scenarios.md).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Iterable, Optional, Union

from twin import commands
from twin.model import Layout, Rack
from twin.model.scenarios import Edit, Scenario, known_ids, target_problem


class ScenarioError(ValueError):
    """A scenario that cannot be applied; `str()` is one line for the user."""


@dataclass
class Applied:
    """A scenario applied: the edited layout copy and the power components out of service."""
    name: str
    layout: Layout
    failed_power: frozenset = frozenset()
    edits: list[Edit] = field(default_factory=list)


def fail_edits(ids: Iterable[str]) -> list[Edit]:
    """Edits that fail each of `ids` (cooling units or power components)."""
    return [Edit(action="fail", target=i) for i in ids]


def find_scenario(layout: Layout, name: str) -> Scenario:
    """The layout's scenario called `name`; ScenarioError naming the known ones."""
    for sc in layout.scenarios:
        if sc.name == name:
            return sc
    known = ", ".join(f'"{s.name}"' for s in layout.scenarios) or "none"
    raise ScenarioError(f'no scenario named "{name}" in the layout (scenarios: {known})')


def apply_scenario(layout: Layout, scenario: Union[Scenario, list[Edit]],
                   name: Optional[str] = None) -> Applied:
    """A copy of `layout` with the edits applied in order; the original is untouched."""
    edits = scenario.edits if isinstance(scenario, Scenario) else list(scenario)
    label = name or (scenario.name if isinstance(scenario, Scenario) else
                     ", ".join(e.describe() for e in edits) or "baseline")
    work = copy.deepcopy(layout)
    work.scenarios = []
    work.source_path = layout.source_path
    failed: set[str] = set()
    known = known_ids(work)
    for j, edit in enumerate(edits):
        problem = target_problem(edit, known)
        try:
            if problem:
                raise commands.CommandError(problem)
            _apply_one(work, edit, failed)
        except commands.CommandError as exc:
            raise ScenarioError(f'scenario "{label}": edit {j + 1} ({edit.describe()}): {exc}') from None
        known = known_ids(work)
    return Applied(name=label, layout=work, failed_power=frozenset(failed), edits=list(edits))


def _apply_one(layout: Layout, edit: Edit, failed: set) -> None:
    """Carry out one edit on `layout` (CommandError when refused)."""
    kind = known_ids(layout).get(edit.target)
    if edit.action in ("fail", "restore"):
        if kind == "power":
            (failed.add if edit.action == "fail" else failed.discard)(edit.target)
            return
        if kind in ("cdu", "facility"):      # the copy's liquid section, not an undoable edit
            liquid = layout.liquid
            target = liquid.facility_water if kind == "facility" else liquid.cdu(edit.target)
            target.state = "failed" if edit.action == "fail" else "running"
            return
        state = "failed" if edit.action == "fail" else "running"
        commands.set_fields(layout, edit.target, state=state).execute(layout)
    elif edit.action == "set":
        changes = edit.changes()
        if "delta_t_k" in changes:
            changes["airflow_m3s"] = None
        elif "airflow_m3s" in changes and kind == "rack":
            changes["delta_t_k"] = None
        if "power_kw" in changes and kind == "rack":
            layout.rack(edit.target).equipment = []   # the given power replaces the equipment's
        commands.set_fields(layout, edit.target, **changes).execute(layout)
    elif edit.action == "move":
        commands.move(layout, edit.target, edit.position_m).execute(layout)
        if edit.facing is not None:
            commands.set_fields(layout, edit.target, facing=edit.facing).execute(layout)
    elif edit.action == "remove":
        commands.delete(layout, edit.target).execute(layout)
    elif edit.action == "add":
        rack = Rack(id=edit.target, position_m=tuple(edit.position_m), size_m=tuple(edit.size_m),
                    facing=edit.facing, power_kw=float(edit.power_kw),
                    delta_t_k=edit.delta_t_k, airflow_m3s=edit.airflow_m3s)
        commands.AddItem(rack).execute(layout)
