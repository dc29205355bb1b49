"""Checks of the `telemetry` section: values, unique hosts, racks, servers, models.

Field paths: `telemetry.hosts[2].rack`, `telemetry.hosts[0].server`.
"""
from __future__ import annotations

import difflib

from twin.model.catalog import equipment_types
from twin.model.findings import Findings, check_values as check_values_of
from twin.model.layout import Layout
from twin.model.parse_power import unknown_model
from twin.model.telemetry import HOST_KEYS


def check_values(f: Findings, layout: Layout) -> None:
    """Schema checks of every host entry (an edited layout may hold anything)."""
    if layout.telemetry is None:
        return
    for i, host in enumerate(layout.telemetry.hosts):
        check_values_of(f, host, HOST_KEYS, f"telemetry.hosts[{i}]")


def server_count(rack, types) -> int:
    """Servers in a rack: equipment units, an entry with `count: 4` being four."""
    return sum(item.units for item in rack.equipment if item.model in types)


def check_references(f: Findings, layout: Layout) -> None:
    """Hosts unique; racks exist; a server index exists; a model is in the catalog."""
    if layout.telemetry is None:
        return
    racks = {r.id: r for r in layout.racks}
    types = equipment_types(layout)
    first: dict[str, int] = {}
    for i, host in enumerate(layout.telemetry.hosts):
        field = f"telemetry.hosts[{i}]"
        if host.host in first:
            f.error(f"{field}.host", f'duplicate host "{host.host}" (already mapped by '
                    f"telemetry.hosts[{first[host.host]}])")
        first.setdefault(host.host, i)
        rack = racks.get(host.rack)
        if rack is None:
            near = difflib.get_close_matches(host.rack, list(racks), n=1, cutoff=0.5)
            hint = f'; did you mean "{near[0]}"?' if near else ""
            f.error(f"{field}.rack", f'unknown rack "{host.rack}"{hint}')
            continue
        _check_server(f, field, host, rack, types)


def _check_server(f: Findings, field: str, host, rack, types) -> None:
    if host.server is not None and host.model is not None:
        f.error(f"{field}.model", "give server or model, not both: a server's model comes "
                "from the rack's equipment")
    elif host.server is not None:
        count = server_count(rack, types)
        if host.server >= count:
            f.error(f"{field}.server", f'rack "{rack.id}" has {count} servers (0 to '
                    f"{count - 1}), not {host.server}" if count else
                    f'rack "{rack.id}" lists no equipment; give model instead of server')
    elif host.model is not None and host.model not in types:
        f.error(f"{field}.model", unknown_model(host.model, types))
