"""A small room built by hand for the capacity tests: every figure is chosen so that the
margins can be worked out on paper (no losses, two existing 5 kW racks on an A/B chain)."""
from __future__ import annotations

from twin.model import loads_layout


def room_text(ups_kw: float = 1000.0, leaf_ports: int = 64, supply_c: float = 18.0,
              tile_x=(1.2, 6.0), tile_y=(2.4, 3.6), max_cable_m: float = 30.0, size_xy=(7.2, 6.0),
              unit_at=(0.0, 2.4), unit_size=(0.6, 1.2)) -> str:
    """7.2 x 6.0 m room: racks E1, E2 (5 kW each, A/B corded) at the west end of a row
    facing +y onto a tile aisle; UPSs of `ups_kw` at 100 % efficiency, lossless PDUs."""
    return f"""\
dctwin: 2
name: capacity room
room:
  size_m: [{size_xy[0]}, {size_xy[1]}, 3.0]
cooling_units:
  - {{id: CRAH-1, position_m: [{unit_at[0]}, {unit_at[1]}], size_m: [{unit_size[0]}, {unit_size[1]}, 2.0], airflow_m3s: 8.0, supply_temp_c: {supply_c}}}
tiles:
  - area_m: {{x: [{tile_x[0]}, {tile_x[1]}], y: [{tile_y[0]}, {tile_y[1]}]}}
racks:
  - {{id: E1, position_m: [1.2, 1.2], size_m: [0.6, 1.2, 2.0], facing: "+y", power_kw: 5, delta_t_k: 12}}
  - {{id: E2, position_m: [1.8, 1.2], size_m: [0.6, 1.2, 2.0], facing: "+y", power_kw: 5, delta_t_k: 12}}
equipment_types:
  - {{model: test-gpu, u_height: 10, max_power_kw: 10, typical_power_kw: 8, idle_power_kw: 2, accelerators: 8}}
power:
  continuous_limit_pct: 80
  utility_feeds:
    - {{id: UTIL-A, side: A}}
    - {{id: UTIL-B, side: B}}
  ups:
    - {{id: UPS-A, from: UTIL-A, rating_kw: {ups_kw}, efficiency_pct: [[0, 100], [100, 100]]}}
    - {{id: UPS-B, from: UTIL-B, rating_kw: {ups_kw}, efficiency_pct: [[0, 100], [100, 100]]}}
  pdus:
    - {{id: PDU-A, from: UPS-A, rating_kw: 5000, loss_pct: 0, racks: [E1, E2]}}
    - {{id: PDU-B, from: UPS-B, rating_kw: 5000, loss_pct: 0, racks: [E1, E2]}}
network:
  max_cable_m: {max_cable_m}
  switches:
    - {{id: LEAF-1, kind: leaf, rack: E1, ports: {leaf_ports}, serves: [E1, E2]}}
    - {{id: SPINE-1, kind: spine, rack: E2, ports: 8}}
  links: [[LEAF-1, SPINE-1]]
"""


def room(**kw):
    return loads_layout(room_text(**kw), "capacity_room.yaml")


# A 3.6 x 3.0 m room whose only free rack positions are the two east of E2 (the unit stands
# at the west end of the aisle, the tiles fill the rest of it).
TWO_FREE = dict(size_xy=(3.6, 3.0), tile_x=(1.2, 3.6), tile_y=(2.4, 3.0), unit_at=(0.0, 2.4), unit_size=(1.2, 0.6))
