"""Equipment inside racks: per-rack power and addressable accelerators.

An accelerator's address is (rack id, server index, GPU index): servers are
numbered from 0 in the order the rack lists its equipment (an entry with
`count: 4` is four servers), GPUs from 0 within a server as `nvidia-smi` does.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional

from twin.model.catalog import equipment_types
from twin.model.equipment import RackPower, rack_power, unit_power_kw
from twin.model.layout import EquipmentType, Layout, Rack

__all__ = ["AcceleratorRef", "RackPower", "Server", "accelerators", "find_accelerator",
           "rack_power", "servers", "unit_power_kw"]


@dataclass(frozen=True)
class Server:
    """One unit of equipment in a rack."""
    rack_id: str
    index: int                   # 0-based within the rack
    model: str
    position_u: float            # lowest unit it occupies
    kind: EquipmentType
    utilization_pct: Optional[float]

    @property
    def power_kw(self) -> float:
        return unit_power_kw(self.kind, self.utilization_pct)


@dataclass(frozen=True)
class AcceleratorRef:
    """One GPU (or other accelerator) by its place: rack, server, index."""
    rack_id: str
    server: int
    gpu: int
    model: str
    accelerator_type: str
    position_u: float

    @property
    def address(self) -> str:
        return f"{self.rack_id}/{self.server}/{self.gpu}"


def servers(rack: Rack, types: dict[str, EquipmentType]) -> Iterator[Server]:
    """Every unit of equipment in a rack, bottom of each entry first."""
    index = 0
    for item in rack.equipment:
        kind = types[item.model]
        for n in range(item.units):
            yield Server(rack.id, index, item.model, item.position_u + n * float(kind.u_height),
                         kind, item.utilization_pct)
            index += 1


def accelerators(layout: Layout) -> list[AcceleratorRef]:
    """Every accelerator in the layout, rack by rack, server by server."""
    types = equipment_types(layout)
    out = []
    for rack in layout.racks:
        for server in servers(rack, types):
            for gpu in range(server.kind.accelerator_count):
                out.append(AcceleratorRef(rack.id, server.index, gpu, server.model,
                                          server.kind.accelerator_type or "", server.position_u))
    return out


def find_accelerator(layout: Layout, rack_id: str, server: int, gpu: int) -> AcceleratorRef:
    """The accelerator at (rack, server, gpu); KeyError naming the address if none."""
    for ref in accelerators(layout):
        if (ref.rack_id, ref.server, ref.gpu) == (rack_id, server, gpu):
            return ref
    raise KeyError(f"no accelerator at {rack_id}/{server}/{gpu}")
