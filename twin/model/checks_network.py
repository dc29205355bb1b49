"""Checks of the `network` section: switch values and ids, the racks switches sit in and
serve, links, cable reach and port counts.

Field paths: `network.switches[2].serves[1]`, `network.links[0]`.
"""
from __future__ import annotations

import difflib

from twin.model.catalog import equipment_types
from twin.model.findings import Findings, check_values as check_values_of
from twin.model.layout import Layout
from twin.model.network import NETWORK_KEYS, SWITCH_KEYS, cable_m, ports_used


def check_values(f: Findings, layout: Layout) -> None:
    """Schema checks of the section and every switch (an edited layout may hold anything)."""
    net = getattr(layout, "network", None)
    if net is None:
        return
    check_values_of(f, net, NETWORK_KEYS, "network")
    for i, switch in enumerate(net.switches):
        check_values_of(f, switch, SWITCH_KEYS, f"network.switches[{i}]")


def switch_ids(layout: Layout) -> list[tuple[str, str]]:
    """(field, id) of every switch, for the file-wide unique-id check."""
    net = getattr(layout, "network", None)
    return [] if net is None else [(f"network.switches[{i}]", s.id)
                                   for i, s in enumerate(net.switches)]


def _unknown(kind: str, name: str, known) -> str:
    near = difflib.get_close_matches(name, list(known), n=1, cutoff=0.5)
    hint = f'; did you mean "{near[0]}"?' if near else ""
    return f'unknown {kind} "{name}"{hint}'


def check_references(f: Findings, layout: Layout) -> None:
    """Racks exist, only leaves serve racks, served racks within cable reach, links, ports."""
    net = getattr(layout, "network", None)
    if net is None:
        return
    racks = {r.id: r for r in layout.racks}
    for i, switch in enumerate(net.switches):
        field = f"network.switches[{i}]"
        if switch.rack not in racks:
            f.error(f"{field}.rack", _unknown("rack", switch.rack, racks))
            continue
        if switch.kind != "leaf" and switch.serves:
            f.error(f"{field}.serves", "only a leaf serves racks; a spine connects to leaves "
                    "through links")
            continue
        for j, rack_id in enumerate(switch.served):
            _check_served(f, f"{field}.serves[{j}]", switch, rack_id, racks, net.max_cable_m)
    _check_links(f, net)
    if not f.errors:
        _check_ports(f, layout, racks)


def _check_served(f: Findings, field: str, switch, rack_id: str, racks, max_cable_m: float) -> None:
    if rack_id not in racks:
        f.error(field, _unknown("rack", rack_id, racks))
        return
    run_m = cable_m(racks[switch.rack], racks[rack_id])
    if run_m > max_cable_m + 1e-9:
        f.error(field, f'rack "{rack_id}" is {run_m:.1f} m of cable from {switch.id} in rack '
                f'"{switch.rack}" (rack-centre distance along rows and aisles plus 2 x 2 m '
                f"vertical); network.max_cable_m is {max_cable_m:g} m")


def _check_links(f: Findings, net) -> None:
    ids = {s.id for s in net.switches}
    seen: dict[frozenset, int] = {}
    for i, (a, b) in enumerate(net.links):
        field = f"network.links[{i}]"
        missing = [end for end in (a, b) if end not in ids]
        if missing:
            f.error(field, _unknown("switch", missing[0], ids))
        elif a == b:
            f.error(field, f'a link joins two switches; "{a}" is linked to itself')
        elif frozenset((a, b)) in seen:
            f.error(field, f"{a} and {b} are already linked by network.links[{seen[frozenset((a, b))]}]")
        else:
            seen[frozenset((a, b))] = i


def _check_ports(f: Findings, layout: Layout, racks) -> None:
    """A switch has at least the ports its served racks' accelerators and its links use."""
    used = ports_used(layout.network, racks, equipment_types(layout))
    for i, switch in enumerate(layout.network.switches):
        if used[switch.id] > switch.ports:
            f.error(f"network.switches[{i}].ports", f"{switch.id} needs {used[switch.id]} ports "
                    f"(one per accelerator in the racks it serves, one per link) but has "
                    f"{switch.ports}")
