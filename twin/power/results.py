"""Immutable results of the power analysis: components, failover, cooling, totals."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True)
class ComponentLoad:
    """One feed, UPS, PDU or busway in normal operation. Loads in kW."""
    id: str
    kind: str                    # utility | ups | pdu | busway
    feed: Optional[str]          # side A or B of the utility feed it hangs from
    load_kw: float               # output delivered downstream (a feed: what it supplies)
    loss_kw: float
    rating_kw: Optional[float]
    limit_kw: Optional[float]    # rating x continuous limit

    @property
    def input_kw(self) -> float:
        return self.load_kw + self.loss_kw

    @property
    def utilization_pct(self) -> Optional[float]:
        return None if not self.rating_kw else 100.0 * self.load_kw / self.rating_kw

    @property
    def ok(self) -> bool:
        return self.limit_kw is None or self.load_kw <= self.limit_kw + 1e-9


@dataclass(frozen=True)
class Violation:
    """What breaks when `failed` is out of service: an overloaded component or dark racks."""
    failed: str
    problem: str                 # "overload" | "outage"
    component: Optional[str]     # the overloaded component (None for an outage)
    load_kw: Optional[float]
    limit_kw: Optional[float]
    rating_kw: Optional[float]
    racks: tuple[str, ...]       # racks fed through the overloaded component, or left dark

    @property
    def utilization_pct(self) -> Optional[float]:
        if self.load_kw is None or not self.rating_kw:
            return None
        return 100.0 * self.load_kw / self.rating_kw

    def message(self) -> str:
        """One line for reports."""
        if self.problem == "outage":
            return (f"{self.failed} fails: dual-corded racks lose both cords: "
                    f"{', '.join(self.racks)}")
        return (f"{self.failed} fails: {self.component} carries {self.load_kw:.1f} kW, "
                f"{self.utilization_pct:.0f} % of its {self.rating_kw:g} kW rating "
                f"(limit {self.limit_kw:.1f} kW); racks {', '.join(self.racks)}")


@dataclass(frozen=True)
class Failover:
    """N-1 check: each feed, UPS and PDU failed alone, everything else running."""
    cases: int
    violations: tuple[Violation, ...]
    single_corded: tuple[str, ...]       # racks on one cord: no redundancy to check
    worst: Optional[tuple[str, str, float]] = None   # (failed, component, utilization %)

    @property
    def ok(self) -> bool:
        return not self.violations


@dataclass(frozen=True)
class UnitCooling:
    """A cooling unit's electrical cost: fans plus its share of the chiller."""
    id: str
    fan_kw: float
    heat_kw: float               # heat its coil removes (room heat it took out + fan heat)
    supply_temp_c: float
    cop: float
    chiller_kw: float


@dataclass(frozen=True)
class RackLoad:
    it_kw: float                 # electrical input
    liquid_kw: float             # heat to liquid cooling
    accelerators: int
    pdus: tuple[str, ...]        # cords

    @property
    def air_kw(self) -> float:
        return self.it_kw - self.liquid_kw


@dataclass(frozen=True)
class Annual:
    hours: float
    facility_mwh: float
    it_mwh: float
    cost: Optional[float]        # None without a tariff
    currency: Optional[str]
    co2_t: Optional[float]       # None without a grid intensity


@dataclass(frozen=True)
class PowerResult:
    it_kw: float                 # electrical input of all IT equipment
    liquid_kw: float             # of which leaves as heat through liquid cooling
    fans_kw: float
    chiller_kw: float            # air-side heat
    liquid_chiller_kw: float     # liquid-side heat
    ups_losses_kw: float
    distribution_losses_kw: float
    other_kw: float              # lighting, offices, ...
    limit_pct: float
    components: dict[str, ComponentLoad]
    failover: Failover
    units: dict[str, UnitCooling]
    racks: dict[str, RackLoad]
    annual: Annual
    notes: tuple[str, ...] = field(default=())
    liquid_pumps_kw: float = 0.0 # CDU pumps (layouts with a liquid section)

    @property
    def cooling_kw(self) -> float:
        return self.fans_kw + self.chiller_kw + self.liquid_chiller_kw + self.liquid_pumps_kw

    @property
    def losses_kw(self) -> float:
        return self.ups_losses_kw + self.distribution_losses_kw

    @property
    def facility_kw(self) -> float:
        return self.it_kw + self.cooling_kw + self.losses_kw + self.other_kw

    @property
    def pue(self) -> Optional[float]:
        """Power Usage Effectiveness = facility power / IT power (The Green Grid)."""
        return None if self.it_kw <= 0 else self.facility_kw / self.it_kw

    @property
    def overloaded(self) -> tuple[str, ...]:
        """Components above their continuous limit in normal operation."""
        return tuple(c.id for c in self.components.values() if not c.ok)

    @property
    def accelerators(self) -> int:
        return sum(r.accelerators for r in self.racks.values())
