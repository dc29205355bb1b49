"""Small format-2 rooms as YAML text for the solver tests (edges on 0.1/0.2/0.3 m grids)."""
from __future__ import annotations

from twin.model import loads_layout

# A hot aisle x 0.6..2.4, y 1.8..3.0 between row A (y 0.6..1.8, facing -y) and row B
# (y 3.0..4.2, facing +y); each row has an in-row cooler between two racks that
# returns from the aisle through its rear.
CONTAINED = """dctwin: 2
name: contained test room
room: {{size_m: [3.6, 4.8, 2.4]}}
cooling_units:
  - {{id: IRC-A, kind: inrow, position_m: [1.2, 0.6], size_m: [0.6, 1.2, 2.0], facing: "-y",
     airflow_m3s: {qa}, supply_temp_c: 20.0, return: rear, state: {state_a}}}
  - {{id: IRC-B, kind: inrow, position_m: [1.2, 3.0], size_m: [0.6, 1.2, 2.0], facing: "+y",
     airflow_m3s: {qb}, supply_temp_c: 20.0, return: rear}}
racks:
  - {{id: A1, position_m: [0.6, 0.6], size_m: [0.6, 1.2, 2.0], facing: "-y", power_kw: 5, delta_t_k: 12.0{door}}}
  - {{id: A2, position_m: [1.8, 0.6], size_m: [0.6, 1.2, 2.0], facing: "-y", power_kw: 5, delta_t_k: 12.0}}
  - {{id: B1, position_m: [0.6, 3.0], size_m: [0.6, 1.2, 2.0], facing: "+y", power_kw: 5, delta_t_k: 12.0}}
  - {{id: B2, position_m: [1.8, 3.0], size_m: [0.6, 1.2, 2.0], facing: "+y", power_kw: 5, delta_t_k: 12.0}}
containment:
  - {{id: HAC, kind: hot, aisle_m: {{x: [0.6, 2.4], y: [1.8, 3.0]}}, height_m: 2.0, roof: true,
     doors: [-x, +x], door_gap_m: {gap}}}
sensors:
  - {{id: S-aisle, position_m: [1.5, 2.4, 1.0]}}
  - {{id: S-cold, position_m: [0.9, 0.3, 0.9]}}
"""


def contained(qa=0.9, qb=0.9, gap=0.1, state_a="running", door=""):
    return loads_layout(CONTAINED.format(qa=qa, qb=qb, gap=gap, state_a=state_a, door=door),
                        "contained.yaml")


# Tiles west of a wall panel at x 1.80..1.82 (up to z_top); the floor unit and a rack east of it.
WALLED = """dctwin: 2
name: walled test room
room: {{size_m: [3.6, 2.4, 3.0]}}
cooling_units:
  - {{id: CRAH, position_m: [3.0, 0.6], size_m: [0.6, 1.2, 1.8], airflow_m3s: 1.0, supply_temp_c: 18.0}}
tiles:
  - area_m: {{x: [0.0, 1.8], y: [0.0, 2.4]}}
racks:
  - {{id: R1, position_m: [2.2, 0.6], size_m: [0.6, 1.2, 1.8], facing: "-x", power_kw: 6, delta_t_k: 10.0}}
obstacles:
  - {{id: wall, box_m: {{x: [1.80, 1.82], y: [0.0, 2.4], z: [0.0, {z_top}]}}}}
"""


def walled(z_top=2.0):
    return loads_layout(WALLED.format(z_top=z_top), "walled.yaml")
