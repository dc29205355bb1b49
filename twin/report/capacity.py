"""The report's capacity part (`dctwin report --capacity "N x MODEL per month"`): the
room's headroom per resource today, the capacity each row strands, and month-by-month
growth with the month each resource runs out; its HTML section and chart."""
from __future__ import annotations

from typing import Optional

import matplotlib

from twin.report.fmt import MISSING, esc, num

RESOURCE_NAMES = {"floor": "Floor", "power": "Power (N-1)", "air": "Air cooling",
                  "liquid": "Liquid cooling (CDUs)", "fabric": "Fabric"}


def today_headroom(layout, result) -> dict:
    """Resource -> Check of the room as it is: power N-1, air, fabric and the CDUs."""
    from twin.capacity.checks import Check
    from twin.capacity.plan import today_checks
    from twin.capacity.sites import place
    checks = today_checks(layout, result)
    if getattr(layout, "liquid", None) is not None:
        from twin.liquid.capacity import cdu_check
        checks["liquid"] = cdu_check(place(layout, []), Check)
    return checks


def capacity_dict(layout, result, runner, growth: str, months: int = 12) -> dict:
    """Headroom today, stranded capacity per row and growth for the planned model."""
    from twin.capacity.growth import grow, parse_growth
    from twin.capacity.stranded import stranded_table
    from twin.model.catalog import equipment_types
    request = parse_growth(growth)
    kind = equipment_types(layout)[request.model]
    run = grow(layout, request, months, runner)
    return {"plan": growth, "model": request.model, "per_month": request.count,
            "today": [c.as_dict() for c in today_headroom(layout, result).values()],
            "rows": [row.as_dict() for row in stranded_table(layout, runner, kind)],
            "growth": run.as_dict()}


def growth_chart(data: dict):
    """Each resource's margin (% of what it offers) against the month, zero line marked."""
    from twin.capacity.growth import COLOURS
    from twin.report.figures import RC, new_figure
    cap = data["capacity"]
    months = cap["growth"]["months"]
    with matplotlib.rc_context(RC):
        fig = new_figure(3.2)
        ax = fig.add_subplot()
        for resource, colour in COLOURS.items():
            points = [(m["month"], c["margin_pct"]) for m in months for c in m["checks"]
                      if c["resource"] == resource and c["margin_pct"] is not None]
            if not points:
                continue
            out = cap["growth"]["runs_out"].get(resource)
            label = RESOURCE_NAMES[resource] + (f" (out: month {out})" if out is not None else "")
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=3,
                    linewidth=1.4, color=colour, label=label)
        ax.axhline(0.0, color="#c00000", linewidth=1.1, linestyle="--")
        ax.set_xlabel("Month")
        ax.set_ylabel("Margin (% of the resource)")
        ax.set_title(f"Growth: {cap['plan']}", loc="left")
        fig.legend(loc="outside right center", fontsize=7.5, frameon=False)
        ax.grid(color="#e0e0e0", linewidth=0.6)
    return fig


def _kw(row: dict, resource: str) -> str:
    if resource in row.get("unbounded", ()):
        return "no limit"
    value = row["headroom_kw"].get(resource) if resource != "usable" else row["usable_kw"]
    return MISSING if value is None else num(value, 0)


def _margin(check: dict) -> str:
    if check["status"] == "unchecked" or check["margin"] is None:
        return MISSING
    text = f"{num(check['margin'], 1)} {esc(check['unit'])}"
    return f"<span class='bad'>{text}</span>" if check["status"] == "exceeded" else text


def section(d: dict, table, figure) -> str:
    """The 'Capacity' section of report.html ('' when the report was not asked for one)."""
    cap: Optional[dict] = d.get("capacity")
    if not cap:
        return ""
    head = (f"<h2>Capacity</h2><p>Planned: {esc(cap['plan'])} (capacity planning of "
            "docs/capacity.md, preview model for air).</p><h3>Headroom today</h3>")
    today = table(["Resource", "Status", "Margin", "Detail"],
                  [[esc(RESOURCE_NAMES.get(c["resource"], c["resource"])), esc(c["status"]),
                    _margin(c), esc(c["detail"])] for c in cap["today"]], left=(3,))
    rows = []
    for r in cap["rows"]:
        stranded = ", ".join(f"{esc(k)} {num(v, 0)} kW" for k, v in r["stranded_kw"].items()
                             if v is not None)
        rows.append([esc(r["row"]), num(r["load_kw"], 0)]
                    + [_kw(r, k) for k in ("power", "air", "liquid", "fabric", "usable")] + [
                     esc(r["binding"] or MISSING), str(r["free_positions"]),
                     f"{stranded} (by {esc(r['binding'])})" if stranded else MISSING])
    stranded_table = table(["Row", "Load\n(kW)", "Power\n(kW)", "Air\n(kW)", "Liquid\n(kW)",
                            "Fabric\n(kW)", "Usable\n(kW)", "Binding", "Free\npositions",
                            "Stranded"], rows, left=(7, 9))
    growth = cap["growth"]
    outs = [f"{esc(RESOURCE_NAMES[r])}: " + ("already exceeded today" if m == 0 else f"month {m}")
            for r, m in growth["runs_out"].items() if m is not None]
    summary = ("<p>Runs out: " + "; ".join(outs) + ".</p>" if outs else
               f"<p>No resource runs out within {len(growth['months']) - 1} months.</p>")
    if growth["stopped"]:
        summary += f"<p class='sub'>{esc(growth['stopped'])}</p>"
    return (head + today + "<h3>Stranded capacity per row</h3><p class='sub'>kW of more load "
            "on the row's racks each resource allows; the least is usable, the rest stranded "
            "by it; — where the layout does not describe the resource.</p>" + stranded_table
            + "<h3>Growth</h3>" + summary + figure("growth"))


def has_growth(d: dict) -> bool:
    cap = d.get("capacity")
    return bool(cap and len(cap["growth"]["months"]) >= 2)
