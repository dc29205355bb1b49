"""`analyze(layout, thermal)`: the whole power picture of a layout at one operating point."""
from __future__ import annotations

from dataclasses import replace

from twin.model.catalog import equipment_types
from twin.model.equipment import rack_power
from twin.model.layout import Layout
from twin.power.chain import Chain, build_chain
from twin.power.efficiency import DEFAULT_LIMIT_PCT
from twin.power.failover import check_failover
from twin.power.facility import annual, cdu_pumps_kw, liquid_chiller_kw, unit_cooling
from twin.power.flow import Flow, load_flow
from twin.power.results import ComponentLoad, PowerResult, RackLoad
from twin.wording import count


def rack_loads(layout: Layout) -> dict[str, RackLoad]:
    """Electrical power, liquid share, accelerators and cords of every rack."""
    types = equipment_types(layout)
    cords: dict[str, list[str]] = {}
    for pdu in (layout.power.pdus if layout.power is not None else ()):
        for rack_id in pdu.racks:
            cords.setdefault(rack_id, []).append(pdu.id)
    out = {}
    for rack in layout.racks:
        power = rack_power(rack, types)
        gpus = sum(types[e.model].accelerator_count * e.units for e in rack.equipment)
        out[rack.id] = RackLoad(power.it_kw, power.liquid_kw, gpus, tuple(cords.get(rack.id, ())))
    return out


def component_loads(chain: Chain, flow: Flow, limit_pct: float) -> dict[str, ComponentLoad]:
    """Normal-operation load, loss, rating and limit of every component."""
    out = {}
    for node in chain.components:
        rating = chain.rating_kw(node)
        limit = None if rating is None else rating * limit_pct / 100.0
        out[node] = ComponentLoad(node, chain.kind(node), chain.side(node),
                                  flow.output_kw[node], flow.loss_kw[node], rating, limit)
    return out


def _notes(layout: Layout, racks: dict[str, RackLoad]) -> tuple[str, ...]:
    notes = []
    if layout.power is None or not layout.power.pdus:
        notes.append("the layout has no power chain: no UPS or distribution losses, "
                     "no failover check")
    else:
        loose = [rid for rid, r in racks.items() if not r.pdus]
        if loose:
            notes.append(f"{count(len(loose), 'rack has')} no power connection; their power counts "
                         f"as IT load but loads no component: {', '.join(loose)}")
    return tuple(notes)


def analyze(layout: Layout, thermal=None) -> PowerResult:
    """IT power, chain loads and losses, N-1 failover, cooling power, PUE, annual figures.

    `thermal` is a ThermalResult of the same layout (its per-unit loads give the
    cooling power); without it the racks' air-side heat is shared among the
    running cooling units by airflow.
    """
    chain_spec = layout.power
    limit = DEFAULT_LIMIT_PCT
    if chain_spec is not None and chain_spec.continuous_limit_pct is not None:
        limit = float(chain_spec.continuous_limit_pct)
    racks = rack_loads(layout)
    rack_kw = {rid: r.it_kw for rid, r in racks.items()}
    chain = build_chain(chain_spec, [r.id for r in layout.racks])
    flow = load_flow(chain, rack_kw)
    components = component_loads(chain, flow, limit)
    plant = chain_spec.cooling if chain_spec is not None else None
    site = chain_spec.site if chain_spec is not None else None
    units = unit_cooling(layout, plant, thermal)
    liquid_kw = sum(r.liquid_kw for r in racks.values())
    partial = PowerResult(
        it_kw=sum(rack_kw.values()), liquid_kw=liquid_kw,
        fans_kw=sum(u.fan_kw for u in units.values()),
        chiller_kw=sum(u.chiller_kw for u in units.values()),
        liquid_chiller_kw=liquid_chiller_kw(plant, liquid_kw, layout),
        liquid_pumps_kw=cdu_pumps_kw(layout),
        ups_losses_kw=sum(c.loss_kw for c in components.values() if c.kind == "ups"),
        distribution_losses_kw=sum(c.loss_kw for c in components.values()
                                   if c.kind in ("pdu", "busway")),
        other_kw=float(site.other_kw) if site is not None and site.other_kw is not None else 0.0,
        limit_pct=limit, components=components,
        failover=check_failover(chain, rack_kw, limit), units=units, racks=racks,
        annual=annual(0.0, 0.0, site), notes=_notes(layout, racks))
    return replace(partial, annual=annual(partial.facility_kw, partial.it_kw, site))
