"""Layout dataclasses: the in-memory form of a layout file (format v1).

Mutable on purpose: the GUI edits them through undoable commands. Solvers read
them and return immutable results. Coordinates in metres, origin at the room's
south-west floor corner, x east, y north, z up.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from twin.model.electrical import PowerChain
    from twin.model.liquid import Liquid
    from twin.model.network import Network
    from twin.model.objects import Containment, FaceZone, Obstacle, RaisedFloor, RearDoor, Sensor
    from twin.model.telemetry import TelemetryMap

FACINGS = ("+x", "-x", "+y", "-y")
UNIT_STATES = ("running", "failed")
ASHRAE_CLASSES = ("A1", "A2", "A3", "A4", "H1")
# Airflow directions as NetBox spells them (dcim DeviceAirflowChoices).
AIRFLOWS = ("front-to-rear", "rear-to-front", "left-to-right", "right-to-left", "side-to-rear",
            "rear-to-side", "bottom-to-top", "top-to-bottom", "passive", "mixed")
DEFAULT_RACK_U = 42


@dataclass
class Air:
    density_kgm3: float = 1.19
    cp_jkgk: float = 1006.0

    @property
    def rho_cp(self) -> float:
        """Volumetric heat capacity in J/(m3 K)."""
        return self.density_kgm3 * self.cp_jkgk


@dataclass
class Room:
    size_m: tuple[float, float, float]
    tile_m: float = 0.6
    raised_floor: Optional["RaisedFloor"] = None   # format 2: a plenum feeds the tiles


@dataclass
class CoolingUnit:
    id: str
    position_m: tuple[float, float]
    size_m: tuple[float, float, float]
    airflow_m3s: float
    supply_temp_c: float
    return_: str = "top"
    state: str = "running"
    fan_power_kw: Optional[float] = None     # electrical fan power while running
    # Format 2: an in-row unit blows sideways through its front face (see docs/layout-format.md).
    kind: Optional[str] = None               # None or "crah": floor supply; "inrow"
    facing: Optional[str] = None             # in-row: the direction the supply face looks
    supply: Optional[str] = None             # in-row: "front" (the default)
    supply_zone_m: Optional["FaceZone"] = None  # in-row: part of the front face that blows

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def inrow(self) -> bool:
        return self.kind == "inrow"


@dataclass
class TileArea:
    x_m: tuple[float, float]
    y_m: tuple[float, float]
    open_pct: Optional[float] = None         # format 2: perforation (None: 25 %)

    @property
    def open_share(self) -> float:
        """Open fraction (0..1) of the tiles' area."""
        from twin.model.objects import TILE_OPEN_PCT
        return float(TILE_OPEN_PCT if self.open_pct is None else self.open_pct) / 100.0

    @property
    def area_m2(self) -> float:
        return (self.x_m[1] - self.x_m[0]) * (self.y_m[1] - self.y_m[0])


@dataclass
class EquipmentType:
    """A model of rack equipment (server, switch, rack-scale system) in the catalog.

    Optional figures are None when not given; the properties supply the defaults.
    """
    model: str                               # catalog id, e.g. "dgx-h100"
    u_height: float                          # rack units (0 for zero-U devices)
    max_power_kw: float                      # nameplate / maximum input power
    typical_power_kw: Optional[float] = None
    idle_power_kw: Optional[float] = None
    name: Optional[str] = None
    manufacturer: Optional[str] = None
    accelerators: Optional[int] = None
    accelerator_type: Optional[str] = None
    airflow: Optional[str] = None            # one of AIRFLOWS
    liquid_heat_pct: Optional[float] = None  # share of the heat taken by liquid cooling
    coolant_flow_lpm: Optional[float] = None  # coolant flow through one unit, L/min
    source: Optional[str] = None             # where the figures come from

    IDLE_SHARE = 0.4   # idle / max power when no idle figure is given (see docs/power.md)

    @property
    def typical_kw(self) -> float:
        """Typical input power: given, else the maximum (conservative)."""
        return float(self.max_power_kw if self.typical_power_kw is None else self.typical_power_kw)

    @property
    def idle_kw(self) -> float:
        """Idle input power: given, else 40 % of the maximum (never above typical)."""
        if self.idle_power_kw is not None:
            return float(self.idle_power_kw)
        return min(self.IDLE_SHARE * float(self.max_power_kw), self.typical_kw)

    @property
    def accelerator_count(self) -> int:
        return int(self.accelerators or 0)

    @property
    def liquid_share(self) -> float:
        """Fraction (0..1) of the heat that goes to liquid."""
        return float(self.liquid_heat_pct or 0.0) / 100.0


@dataclass
class Equipment:
    """Equipment mounted in a rack: `count` units of `model` stacked upwards from `position_u`."""
    model: str
    position_u: float                        # lowest rack unit occupied (1 = bottom)
    count: Optional[int] = None              # None means 1
    utilization_pct: Optional[float] = None  # None means typical power

    @property
    def units(self) -> int:
        return 1 if self.count is None else int(self.count)


@dataclass
class Rack:
    id: str
    position_m: tuple[float, float]
    size_m: tuple[float, float, float]
    facing: str
    power_kw: float
    delta_t_k: Optional[float] = None
    airflow_m3s: Optional[float] = None
    height_u: Optional[int] = None           # rack units for equipment; None means 42
    # When equipment is listed, power_kw is derived from it: the heat released into
    # the air, i.e. the electrical power minus the liquid-cooled share.
    equipment: list[Equipment] = field(default_factory=list)
    air_zone_m: Optional["FaceZone"] = None  # format 2: servers fill only this part of the faces
    rear_door: Optional["RearDoor"] = None   # format 2: rear-door heat exchanger

    @property
    def rack_units(self) -> int:
        return DEFAULT_RACK_U if self.height_u is None else int(self.height_u)

    def airflow(self, air: Air) -> float:
        """Volumetric airflow in m3/s: given, or P / (rho cp dT)."""
        if self.airflow_m3s is not None:
            return float(self.airflow_m3s)
        return self.power_kw * 1000.0 / (air.rho_cp * float(self.delta_t_k))

    def delta_t(self, air: Air) -> float:
        """Air temperature rise through the rack in K."""
        q = self.airflow(air)
        return 0.0 if q <= 0 else self.power_kw * 1000.0 / (air.rho_cp * q)


@dataclass
class Layout:
    room: Room
    name: str = ""
    air: Air = field(default_factory=Air)
    cooling_units: list[CoolingUnit] = field(default_factory=list)
    tiles: list[TileArea] = field(default_factory=list)
    racks: list[Rack] = field(default_factory=list)
    ashrae_class: str = "A1"
    version: int = 1
    source_path: Optional[str] = field(default=None, compare=False)
    # The text this layout was read from: saves rewrite only what changed in it (model/splice.py).
    source_text: Optional[str] = field(default=None, compare=False, repr=False)
    # File line of each field path (`room.size_m` -> 10) when read from a file.
    lines: dict = field(default_factory=dict, compare=False, repr=False)
    # Non-fatal findings from the last load or save (LayoutWarning objects).
    warnings: list = field(default_factory=list, compare=False, repr=False)
    # Equipment models defined in this file (they take precedence over the bundled catalog).
    equipment_types: list[EquipmentType] = field(default_factory=list)
    power: Optional["PowerChain"] = None     # power chain, cooling plant and site figures
    telemetry: Optional["TelemetryMap"] = None  # monitored hosts bound to racks
    scenarios: list = field(default_factory=list)   # named what-if edit lists (Scenario)
    network: Optional["Network"] = None       # accelerator fabric (format 2)
    liquid: Optional["Liquid"] = None         # direct-to-chip liquid cooling (format 2)
    obstacles: list["Obstacle"] = field(default_factory=list)       # format 2
    containment: list["Containment"] = field(default_factory=list)  # format 2
    sensors: list["Sensor"] = field(default_factory=list)           # format 2

    def rack(self, rack_id: str) -> Rack:
        return next(r for r in self.racks if r.id == rack_id)

    def unit(self, unit_id: str) -> CoolingUnit:
        return next(u for u in self.cooling_units if u.id == unit_id)

    @property
    def it_power_kw(self) -> float:
        """Sum of rack `power_kw`: the heat the racks release into the air."""
        return sum(r.power_kw for r in self.racks)
