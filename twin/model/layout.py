"""Layout dataclasses: the in-memory form of a layout file (format v1).

Mutable on purpose: the GUI edits them through undoable commands. Solvers read
them and return immutable results. Coordinates in metres, origin at the room's
south-west floor corner, x east, y north, z up.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

FACINGS = ("+x", "-x", "+y", "-y")
UNIT_STATES = ("running", "failed")
ASHRAE_CLASSES = ("A1", "A2", "A3", "A4", "H1")


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


@dataclass
class CoolingUnit:
    id: str
    position_m: tuple[float, float]
    size_m: tuple[float, float, float]
    airflow_m3s: float
    supply_temp_c: float
    return_: str = "top"
    state: str = "running"

    @property
    def running(self) -> bool:
        return self.state == "running"


@dataclass
class TileArea:
    x_m: tuple[float, float]
    y_m: tuple[float, float]

    @property
    def area_m2(self) -> float:
        return (self.x_m[1] - self.x_m[0]) * (self.y_m[1] - self.y_m[0])


@dataclass
class Rack:
    id: str
    position_m: tuple[float, float]
    size_m: tuple[float, float, float]
    facing: str
    power_kw: float
    delta_t_k: Optional[float] = None
    airflow_m3s: Optional[float] = None

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
    # Non-fatal findings from the last load or save (LayoutWarning objects).
    warnings: list = field(default_factory=list, compare=False, repr=False)

    def rack(self, rack_id: str) -> Rack:
        return next(r for r in self.racks if r.id == rack_id)

    def unit(self, unit_id: str) -> CoolingUnit:
        return next(u for u in self.cooling_units if u.id == unit_id)

    @property
    def it_power_kw(self) -> float:
        return sum(r.power_kw for r in self.racks)
