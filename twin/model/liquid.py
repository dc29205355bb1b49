"""The `liquid` section (format 2): facility water, CDUs and the racks each feeds.

    liquid:
      facility_water: {supply_c: 32}
      cdus:
        - {id: CDU-1, position_m: [0, 5], size_m: [0.6, 1.2, 2.0], capacity_kw: 1350,
           approach_k: 3, pump_kw: 8, racks: [C1, C2], group: G1}
      coolant_limit_c: 45

Only the data and its key tables live here; the solver is `twin.liquid`, the
equations are in docs/liquid.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from twin.model.layout import UNIT_STATES
from twin.model.schema import POSITIVE, Choice, IdList, Key, Number, Text, Vector

HEAT_REJECTIONS = ("dry_cooler", "evaporative", "chiller")
NON_NEGATIVE = Number(0.0)

# Defaults (estimated; docs/liquid.md gives the reasoning for each).
DEFAULT_COOLANT_LIMIT_C = 45.0
DEFAULT_FLOW_LPM_PER_KW = 1.5      # about 10 K coolant rise on 25 % propylene glycol
DEFAULT_RACK_VOLUME_L = 20.0       # cold plates, manifolds and hoses of one rack
DEFAULT_LOOP_VOLUME_L = 200.0      # a CDU's secondary loop: reservoir, exchanger, piping
DEFAULT_COOLANT_DENSITY = 1020.0   # kg/m3, 25 % propylene glycol near 30 degC
DEFAULT_COOLANT_CP = 3930.0        # J/(kg K), same fluid


@dataclass
class FacilityWater:
    supply_c: float
    state: str = "running"                    # running | failed (loss of facility water)

    @property
    def running(self) -> bool:
        return self.state == "running"


@dataclass
class Coolant:
    density_kgm3: float = DEFAULT_COOLANT_DENSITY
    cp_jkgk: float = DEFAULT_COOLANT_CP

    @property
    def rho_cp(self) -> float:
        """Volumetric heat capacity in J/(m3 K)."""
        return float(self.density_kgm3) * float(self.cp_jkgk)


@dataclass
class HeatRejection:
    kind: str = "dry_cooler"                  # dry_cooler | evaporative | chiller
    approach_k: Optional[float] = None        # outdoor (dry or wet bulb) to facility water
    fan_kw_per_kw: Optional[float] = None     # dry-cooler or tower fans per kW rejected
    cycles: Optional[float] = None            # cycles of concentration (evaporative)


@dataclass
class Cdu:
    id: str
    position_m: tuple[float, float]
    size_m: tuple[float, float, float]
    capacity_kw: float
    approach_k: float
    pump_kw: float
    racks: list[str] = field(default_factory=list)
    state: str = "running"
    group: Optional[str] = None               # redundancy group: its members take over its racks
    flow_lpm: Optional[float] = None          # rated secondary flow
    loop_volume_l: Optional[float] = None     # secondary-loop coolant volume

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def volume_l(self) -> float:
        return DEFAULT_LOOP_VOLUME_L if self.loop_volume_l is None else float(self.loop_volume_l)


@dataclass
class Liquid:
    facility_water: FacilityWater
    cdus: list[Cdu] = field(default_factory=list)
    coolant_limit_c: float = DEFAULT_COOLANT_LIMIT_C
    coolant: Optional[Coolant] = None
    heat_rejection: Optional[HeatRejection] = None
    flow_lpm_per_kw: Optional[float] = None
    rack_volume_l: Optional[float] = None

    def cdu(self, cdu_id: str) -> Cdu:
        return next(c for c in self.cdus if c.id == cdu_id)

    @property
    def fluid(self) -> Coolant:
        return self.coolant or Coolant()

    @property
    def rejection(self) -> HeatRejection:
        return self.heat_rejection or HeatRejection()

    @property
    def default_flow_lpm_per_kw(self) -> float:
        return DEFAULT_FLOW_LPM_PER_KW if self.flow_lpm_per_kw is None else float(self.flow_lpm_per_kw)

    @property
    def rack_loop_volume_l(self) -> float:
        return DEFAULT_RACK_VOLUME_L if self.rack_volume_l is None else float(self.rack_volume_l)


LIQUID_KEYS = (
    Key("facility_water", None),
    Key("coolant_limit_c", Number(), required=False, default=DEFAULT_COOLANT_LIMIT_C),
    Key("flow_lpm_per_kw", POSITIVE, required=False),
    Key("rack_volume_l", POSITIVE, required=False),
    Key("coolant", None, required=False),
    Key("heat_rejection", None, required=False),
    Key("cdus", None, required=False),
)
FACILITY_KEYS = (
    Key("supply_c", Number(0.0, strict=True, upper=90.0)),
    Key("state", Choice(UNIT_STATES), required=False, default="running"),
)
COOLANT_KEYS = (
    Key("density_kgm3", POSITIVE, required=False, default=DEFAULT_COOLANT_DENSITY),
    Key("cp_jkgk", POSITIVE, required=False, default=DEFAULT_COOLANT_CP),
)
REJECTION_KEYS = (
    Key("kind", Choice(HEAT_REJECTIONS), required=False, default="dry_cooler"),
    Key("approach_k", NON_NEGATIVE, required=False),
    Key("fan_kw_per_kw", Number(0.0, upper=1.0), required=False),
    Key("cycles", Number(1.0, strict=True), required=False),
)
CDU_KEYS = (
    Key("id", Text(nonempty=True)),
    Key("position_m", Vector(2, Number())),
    Key("size_m", Vector(3, POSITIVE)),
    Key("capacity_kw", POSITIVE),
    Key("approach_k", NON_NEGATIVE),
    Key("pump_kw", NON_NEGATIVE),
    Key("state", Choice(UNIT_STATES), required=False, default="running"),
    Key("group", Text(nonempty=True), required=False),
    Key("flow_lpm", POSITIVE, required=False),
    Key("loop_volume_l", POSITIVE, required=False),
    Key("racks", IdList(), required=False, default=None),
)
