"""The optional `scenarios:` section: named lists of edits against the layout.

Same `Key` tables as `schema.py` drive reading (with file lines), checking an
edited layout and writing back in key order. Applying edits lives in
`twin.scenario`; here the section is only read, checked and written.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Optional

from twin.model.findings import check_values
from twin.model.layout import FACINGS
from twin.model.reader import Reader, items
from twin.model import schema
from twin.model.schema import POSITIVE, Choice, Key, Number, Text, Vector

# fail/restore: a cooling unit, power component, CDU or the facility water; set: rack or unit fields;
# move: a rack or unit (position_m, optional facing); remove: a rack; add: a new rack.
ACTIONS = ("fail", "restore", "set", "move", "remove", "add")
# The target that fails or restores a liquid section's facility water.
FACILITY_WATER = "facility_water"
SET_FIELDS = ("power_kw", "delta_t_k", "airflow_m3s", "supply_temp_c", "facing")


@dataclass
class Edit:
    action: str
    target: str
    position_m: Optional[tuple[float, float]] = None
    size_m: Optional[tuple[float, float, float]] = None
    facing: Optional[str] = None
    power_kw: Optional[float] = None
    delta_t_k: Optional[float] = None
    airflow_m3s: Optional[float] = None
    supply_temp_c: Optional[float] = None

    def changes(self) -> dict[str, Any]:
        """The optional fields this edit gives (None left out)."""
        return {k.attribute: getattr(self, k.attribute) for k in EDIT_KEYS[2:]
                if getattr(self, k.attribute) is not None}

    def describe(self) -> str:
        """One line such as `fail CRAH-2` or `set A1 power_kw=12`."""
        extra = " ".join(f"{k}={_short(v)}" for k, v in self.changes().items())
        return f"{self.action} {self.target}" + (f" {extra}" if extra else "")


@dataclass
class Scenario:
    name: str
    edits: list[Edit] = field(default_factory=list)
    description: Optional[str] = None


EDIT_KEYS = (
    Key("action", Choice(ACTIONS)),
    Key("target", Text(nonempty=True)),
    Key("position_m", Vector(2, Number()), required=False),
    Key("size_m", Vector(3, POSITIVE), required=False),
    Key("facing", Choice(FACINGS), required=False),
    Key("power_kw", schema.RACK_POWER_KW, required=False),
    Key("delta_t_k", schema.RACK_DELTA_T_K, required=False),
    Key("airflow_m3s", schema.UNIT_AIRFLOW_M3S, required=False),
    Key("supply_temp_c", schema.SUPPLY_TEMP_C, required=False),
)
SCENARIO_KEYS = (
    Key("name", Text(nonempty=True)),
    Key("description", Text(), required=False),
    Key("edits", None),
)
# What each action needs besides its target, and what it may carry.
NEEDS = {"move": ("position_m",), "add": ("position_m", "size_m", "facing", "power_kw")}
ALLOWS = {"fail": (), "restore": (), "remove": (), "set": SET_FIELDS,
          "move": ("position_m", "facing"),
          "add": ("position_m", "size_m", "facing", "power_kw", "delta_t_k", "airflow_m3s")}


def _short(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ",".join(f"{v:g}" for v in value) + "]"
    return f"{value:g}" if isinstance(value, float) else str(value)


# -- reading -------------------------------------------------------------------

def parse(r: Reader, doc: Any) -> list[Scenario]:
    """The file's `scenarios` list (empty when absent)."""
    out = []
    for f, _, m in items(r, doc, "scenarios", "", "scenarios"):
        top = r.values(m, SCENARIO_KEYS, f)
        if "edits" not in m:
            raise r.fail(m.line, f"{f}.edits", 'missing required key "edits" '
                         "(e.g. edits: [{action: fail, target: CRAH-1}])")
        edits = [Edit(**r.values(e, EDIT_KEYS, sub)) for sub, _, e in items(r, m, "edits", f, "edits")]
        out.append(Scenario(name=top["name"], edits=edits, description=top.get("description")))
    return out


# -- checking ------------------------------------------------------------------

def check(f: Any, layout: Any) -> None:
    """Values, unique names, the fields each action needs or allows."""
    seen: dict[str, int] = {}
    for i, sc in enumerate(getattr(layout, "scenarios", None) or ()):
        field_ = f"scenarios[{i}]"
        check_values(f, sc, SCENARIO_KEYS, field_)
        if sc.name in seen:
            f.error(f"{field_}.name", f'scenario "{sc.name}" is defined twice '
                    f"(first as scenarios[{seen[sc.name]}])")
        seen.setdefault(sc.name, i)
        known = known_ids(layout)
        for j, edit in enumerate(sc.edits):
            check_edit(f, edit, f"{field_}.edits[{j}]", known)


def known_ids(layout: Any) -> dict[str, str]:
    """id -> kind ("rack", "unit", "power") of everything an edit may name."""
    out = {r.id: "rack" for r in layout.racks}
    out.update({u.id: "unit" for u in layout.cooling_units})
    chain = getattr(layout, "power", None)
    for group in ("utility_feeds", "ups", "pdus"):
        out.update({c.id: "power" for c in (getattr(chain, group) if chain else ())})
    liquid = getattr(layout, "liquid", None)
    if liquid is not None:
        out[FACILITY_WATER] = "facility"
        out.update({c.id: "cdu" for c in liquid.cdus})
    return out


def check_edit(f: Any, edit: Edit, field_: str, known: dict[str, str]) -> None:
    """One edit's values and fields (errors), and its target (a warning).

    `known` maps ids to kinds and gains the racks that "add" creates.
    """
    before = len(f.errors)
    check_values(f, edit, EDIT_KEYS, field_)
    if len(f.errors) > before or edit.action not in ALLOWS:
        return
    given = edit.changes()
    for name in given:
        if name not in ALLOWS[edit.action]:
            f.error(f"{field_}.{name}", f'"{edit.action}" does not take {name}')
            return
    for name in NEEDS.get(edit.action, ()):
        if name not in given:
            f.error(field_, f'"{edit.action}" needs {name}')
            return
    if edit.action == "set" and not given:
        f.error(field_, '"set" needs at least one of ' + ", ".join(SET_FIELDS))
    if edit.action == "add" and ("delta_t_k" in given) == ("airflow_m3s" in given):
        f.error(field_, '"add" needs exactly one of delta_t_k or airflow_m3s')
    problem = target_problem(edit, known)
    if problem:     # a warning: deleting a rack must not block on a scenario naming it
        f.warn(f"{field_}.target", problem + "; the scenario cannot be applied")
    elif edit.action == "add":
        known[edit.target] = "rack"
    elif edit.action == "remove":
        known.pop(edit.target, None)


def target_problem(edit: Edit, known: dict[str, str]) -> Optional[str]:
    """Why the edit's target does not fit its action, or None."""
    kind = known.get(edit.target)
    if edit.action == "add":
        return f'"{edit.target}" already exists; a new rack needs a new id' if kind else None
    if kind is None:
        near = difflib.get_close_matches(edit.target, list(known), n=1, cutoff=0.5)
        hint = f'; did you mean "{near[0]}"?' if near else ""
        kinds = "rack, cooling unit, power component or CDU" if "cdu" in known.values() \
            else "rack, cooling unit or power component"
        return f'no {kinds} with id "{edit.target}"{hint}'
    wants = {"fail": ("unit", "power", "cdu", "facility"),
             "restore": ("unit", "power", "cdu", "facility"), "remove": ("rack",),
             "set": ("rack", "unit"), "move": ("rack", "unit")}[edit.action]
    if kind not in wants:
        what = {"rack": "a rack", "unit": "a cooling unit", "power": "a power component",
                "cdu": "a CDU", "facility": "the facility water"}[kind]
        return f'"{edit.target}" is {what}; "{edit.action}" does not apply to it'
    return None


# -- writing -------------------------------------------------------------------

def _flow_edit(edit: Edit) -> str:
    from twin.model import dump
    parts = []
    for key in EDIT_KEYS:
        value = getattr(edit, key.attribute)
        if value is None:
            continue
        if isinstance(value, tuple):
            text = dump.flow(value)
        elif isinstance(value, str):
            text = dump.text(value, quote=True) if key.name == "facing" else dump.flow_text(value)
        else:
            text = dump.number(value)
        parts.append(f"{key.name}: {text}")
    return "{" + ", ".join(parts) + "}"


def lines(layout: Any) -> list[str]:
    """The `scenarios:` section, or nothing when the layout has none."""
    from twin.model import dump
    scenarios = getattr(layout, "scenarios", None) or []
    if not scenarios:
        return []
    out = ["scenarios:"]
    for sc in scenarios:
        out.append(f"  - name: {dump.text(sc.name)}")
        if sc.description is not None:
            out.append(f"    description: {dump.text(sc.description)}")
        out.append("    edits:" if sc.edits else "    edits: []")
        out += [f"      - {_flow_edit(e)}" for e in sc.edits]
    return out
