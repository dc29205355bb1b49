"""A calibration's fitted parameters written into a layout as one undoable edit (twin.commands).

Only the fitted parameters are written (a parameter kept at nominal changes
nothing), in the layout's own keys and rounded as `dctwin calibrate --out`
writes them: a unit's `airflow_m3s` and `supply_temp_c`, a rack's
`airflow_m3s` or `delta_t_k`. Rack powers read as inputs are not written.
Undo puts every original figure back exactly.
"""
from __future__ import annotations

from twin.calibrate.calibration import Calibration
from twin.calibrate.params import apply
from twin.commands import CommandError, SetFields
from twin.group_edits import Group
from twin.model.layout import Layout

UNIT_KEYS = ("airflow_m3s", "supply_temp_c")
RACK_KEYS = ("airflow_m3s", "delta_t_k")


def fitted_changes(layout: Layout, cal: Calibration) -> dict[str, dict[str, float]]:
    """{unit or rack id: {field: new value}} for every figure the fitted parameters change."""
    fits = [f for f in cal.params if f.fitted]
    new = apply(layout, [f.parameter for f in fits], [f.value for f in fits], rounded=True)
    out: dict[str, dict[str, float]] = {}
    pairs = [(u, new.unit(u.id), UNIT_KEYS) for u in layout.cooling_units] + \
            [(r, new.rack(r.id), RACK_KEYS) for r in layout.racks]
    for old, changed, keys in pairs:
        diff = {k: getattr(changed, k) for k in keys if getattr(changed, k) != getattr(old, k)}
        if diff:
            out[old.id] = diff
    return out


def apply_calibration(layout: Layout, cal: Calibration) -> Group:
    """One command setting every figure the fit changed; CommandError when it changes none."""
    changes = fitted_changes(layout, cal)
    if not changes:
        raise CommandError("apply calibration refused: no fitted parameter changes the layout")
    fitted = sum(1 for f in cal.params if f.fitted)
    parts = [SetFields(item_id, diff, f"calibrate {item_id}") for item_id, diff in changes.items()]
    return Group(parts, f"apply calibration ({fitted} parameter{'s' if fitted != 1 else ''})")
