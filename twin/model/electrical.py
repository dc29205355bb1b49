"""Power-chain dataclasses: the `power:` section of a layout file.

Utility feeds (side A or B) feed UPS systems, which feed PDUs or busways,
which feed racks. Every optional figure is None when the file does not give
it; `twin.power` supplies the documented defaults, so a file is written back
exactly as it was read.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Optional

SIDES = ("A", "B")
PDU_KINDS = ("pdu", "busway")


@dataclass
class UtilityFeed:
    id: str
    side: str                                 # "A" or "B"
    rating_kw: Optional[float] = None         # capacity of the incoming supply, if limited


@dataclass
class Ups:
    id: str
    from_: str                                # the utility feed it draws from
    rating_kw: float                          # output rating
    # (load %, efficiency %) points, load increasing; None means the default curve
    efficiency_pct: Optional[tuple[tuple[float, float], ...]] = None


@dataclass
class Pdu:
    id: str
    from_: str                                # a UPS or a utility feed
    rating_kw: float
    kind: str = "pdu"                         # "pdu" or "busway"
    loss_pct: Optional[float] = None          # loss at rated load, % of rating (I^2 R)
    racks: list[str] = field(default_factory=list)   # racks with a cord on this PDU


@dataclass
class CoolingPlant:
    """How cooling turns heat into electrical power; None means the default."""
    fan_kw_per_m3s: Optional[float] = None    # fan power per airflow for units without fan_power_kw
    chiller_cop: Optional[tuple[tuple[float, float], ...]] = None   # (supply °C, COP) points
    condenser_temp_c: Optional[float] = None  # heat-rejection (condensing) temperature
    approach_k: Optional[float] = None        # supply air (or liquid) minus evaporating temperature
    carnot_fraction: Optional[float] = None   # plant COP as a fraction of the Carnot COP
    liquid_supply_temp_c: Optional[float] = None   # facility water to liquid-cooled equipment

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))


@dataclass
class Site:
    """Site figures for facility totals; None means the default (or not reported)."""
    other_kw: Optional[float] = None          # lighting, offices, security, ...
    hours_per_year: Optional[float] = None
    tariff_per_kwh: Optional[float] = None    # energy price per kWh
    currency: Optional[str] = None
    grid_kgco2_per_kwh: Optional[float] = None

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))


@dataclass
class PowerChain:
    continuous_limit_pct: Optional[float] = None   # load limit in % of rating; None means 80
    utility_feeds: list[UtilityFeed] = field(default_factory=list)
    ups: list[Ups] = field(default_factory=list)
    pdus: list[Pdu] = field(default_factory=list)
    cooling: CoolingPlant = field(default_factory=CoolingPlant)
    site: Site = field(default_factory=Site)

    def components(self) -> list:
        """Feeds, UPS systems and PDUs, in that order."""
        return [*self.utility_feeds, *self.ups, *self.pdus]
