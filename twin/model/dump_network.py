"""Writing the `network` section: one flow mapping per switch, links in flow style."""
from __future__ import annotations

from typing import Any

from twin.model import dump
from twin.model.dump_power import _flow_item
from twin.model.network import SWITCH_KEYS


def _switch(switch) -> str:
    """A switch on one line; `serves` as a flow list after the plain keys."""
    plain = tuple(k for k in SWITCH_KEYS if k.name != "serves")
    text = _flow_item(switch, plain)
    if switch.serves is None:
        return text
    racks = ", ".join(dump.flow_text(r) for r in switch.serves)
    return f"{text[:-1]}, serves: [{racks}]}}"


def section(layout: Any) -> list[str]:
    """The `network` lines, or nothing when the layout has none."""
    net = getattr(layout, "network", None)
    if net is None:
        return []
    out = ["network:", f"  max_cable_m: {dump.number(net.max_cable_m)}"]
    if net.switches:
        out += ["  switches:"] + [f"    - {_switch(s)}" for s in net.switches]
    if net.links:
        pairs = ", ".join(f"[{dump.flow_text(a)}, {dump.flow_text(b)}]" for a, b in net.links)
        out.append(f"  links: [{pairs}]")
    return out
