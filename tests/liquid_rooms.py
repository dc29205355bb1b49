"""Small hand-checkable rooms with a liquid section, for the liquid tests."""
from __future__ import annotations

# One model: 10 kW, 80 % to liquid, 12 L/min per unit. Five units: 50 kW IT, 40 kW to
# liquid, 60 L/min = 0.001 m3/s. Coolant rho cp = 1000 x 4000 = 4e6 J/(m3 K), so the
# flow carries 4000 W/K and the rack's coolant rises 40000 / 4000 = 10 K.
TYPES = """\
equipment_types:
  - {model: cold-1, u_height: 1, max_power_kw: 10, typical_power_kw: 10, liquid_heat_pct: 80, coolant_flow_lpm: 12}
  - {model: warm-1, u_height: 1, max_power_kw: 2, typical_power_kw: 2}
"""


def rack(rid: str, x: float, model: str = "cold-1", count: int = 5) -> str:
    return f"""\
  - id: {rid}
    position_m: [{x}, 3.0]
    size_m: [0.6, 1.2, 2.0]
    facing: "-y"
    delta_t_k: 12.0
    height_u: 48
    equipment:
      - {{model: {model}, position_u: 1, count: {count}}}
"""


def room(racks: str, liquid: str, version: int = 2) -> str:
    return f"""\
dctwin: {version}
name: liquid test room
room:
  size_m: [10.0, 7.2, 3.0]
cooling_units:
  - id: CRAH-1
    position_m: [0.0, 0.6]
    size_m: [1.0, 2.4, 2.0]
    airflow_m3s: 4.0
    supply_temp_c: 20.0
tiles:
  - area_m: {{x: [2.0, 6.8], y: [1.8, 3.0]}}
{TYPES}racks:
{racks}{liquid}"""


def liquid(cdus: str, supply_c: float = 30, extra: str = "") -> str:
    return f"""\
liquid:
  facility_water: {{supply_c: {supply_c}}}
  coolant_limit_c: 45
  rack_volume_l: 20
  coolant: {{density_kgm3: 1000, cp_jkgk: 4000}}
{extra}  cdus:
{cdus}"""


def cdu(cid: str, x: float, racks: str, capacity_kw: float = 100, group: str = "",
        state: str = "running") -> str:
    grp = f", group: {group}" if group else ""
    return (f"    - {{id: {cid}, position_m: [{x}, 6.0], size_m: [0.6, 1.2, 2.0], "
            f"capacity_kw: {capacity_kw}, approach_k: 3, pump_kw: 2, state: {state}, "
            f"loop_volume_l: 200, racks: [{racks}]{grp}}}\n")
