"""A room for the job-placement tests: the first racks in the file stand in a hot corner,
so first-fit stacks a job there; one GPU rack no leaf serves."""
from __future__ import annotations

from twin.model import loads_layout


def _rack(rid: str, x: float) -> str:
    return (f"  - {{id: {rid}, position_m: [{x}, 1.2], size_m: [0.6, 1.2, 2.0], facing: \"+y\", "
            f"delta_t_k: 14, equipment: [{{model: test-gpu, position_u: 1, count: 4}}]}}\n")


HOT = [("H1", 7.2), ("H2", 7.8), ("H3", 8.4), ("H4", 9.0)]
COOL = [("C1", 1.2), ("C2", 1.8), ("C3", 2.4), ("C4", 3.0)]
UNSERVED = ("U1", 3.6)


def job_room_text(split: bool = False) -> str:
    """One leaf serving the H and C racks, or (`split`) a leaf for each group and a spine."""
    racks = "".join(_rack(r, x) for r, x in HOT + COOL + [UNSERVED])
    serves = ", ".join(r for r, _ in HOT + COOL)
    switches = f"    - {{id: LEAF-1, kind: leaf, rack: C4, ports: 300, serves: [{serves}]}}\n"
    if split:
        switches = ("    - {id: LEAF-H, kind: leaf, rack: H1, ports: 200, serves: [H1, H2, H3, H4]}\n"
                    "    - {id: LEAF-C, kind: leaf, rack: C1, ports: 200, serves: [C1, C2, C3, C4]}\n"
                    "    - {id: SPINE-1, kind: spine, rack: C4, ports: 8}\n"
                    "  links: [[LEAF-H, SPINE-1], [LEAF-C, SPINE-1]]\n")
    return f"""\
dctwin: 2
name: job room
room:
  size_m: [10.2, 6.0, 3.0]
cooling_units:
  - {{id: CRAH-1, position_m: [0.0, 2.4], size_m: [0.6, 1.2, 2.0], airflow_m3s: 9.0, supply_temp_c: 18}}
tiles:
  - area_m: {{x: [1.2, 9.6], y: [2.4, 3.6]}}
racks:
{racks}equipment_types:
  - {{model: test-gpu, u_height: 10, max_power_kw: 10, typical_power_kw: 8, idle_power_kw: 2, accelerators: 8}}
telemetry:
  hosts:
    - {{host: h1-node0, rack: H1, server: 0}}
    - {{host: c1-node0, rack: C1, server: 0}}
network:
  max_cable_m: 30
  switches:
{switches}"""


def job_room(split: bool = False):
    return loads_layout(job_room_text(split), "job_room.yaml")


def replay_room():
    """The job room with lighter servers (0.5-4 kW): idle it stays below 27 °C, and a 64-GPU
    job in the two hot-corner racks first fit picks (H1, H2) takes it above (29.6 °C preview at
    0.3 m), while in the two coolest racks it stays below (20.5 °C)."""
    text = job_room_text().replace("max_power_kw: 10, typical_power_kw: 8, idle_power_kw: 2",
                                   "max_power_kw: 4, typical_power_kw: 3, idle_power_kw: 0.5")
    return loads_layout(text, "replay_room.yaml")
