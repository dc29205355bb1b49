"""Palette entries for the format-2 air-side objects: in-row cooler, obstacles, containment, sensor.

An in-row cooler is a cooling unit (a `palette_panel.Template`); the others are
`ObjectTemplate`s that build their object around a point of the floor.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

from twin.aisles import DOOR_GAP_M
from twin.model import CoolingUnit
from twin.model.objects import PANEL_M, Aisle, Containment
from twin.object_edits import fresh_id, new_obstacle, new_sensor, snap

INROW_UNIT = CoolingUnit("IRC-", (0.0, 0.0), (0.3, 1.2, 2.0), 2.3, 20.0, return_="rear",
                         kind="inrow", facing="+y", supply="front")
AISLE_HEIGHT_M = 2.0
SENSOR_HEIGHT_M = 1.0


@dataclass(frozen=True)
class ObjectTemplate:
    """A palette entry that builds an obstacle, a containment or a sensor around a point."""
    name: str
    id_prefix: str
    kind: str                                   # "obstacle" | "containment" | "sensor"
    size_m: tuple[float, float]                 # plan size (0, 0 for a sensor)
    z_m: Callable[[float], tuple[float, float]]  # the z range in a room this high
    lines: tuple[str, ...]                      # what it is, for the tooltip
    item: Optional[Any] = None                  # not a rack or cooling unit

    def build(self, layout, at_m) -> Any:
        """The object with a fresh id, centred on at_m (a sensor: at at_m), snapped to 5 cm."""
        room_z = layout.room.size_m[2]
        if self.kind == "obstacle":
            return new_obstacle(layout, self.id_prefix, self.size_m, self.z_m(room_z), at_m)
        if self.kind == "sensor":
            return new_sensor(layout, self.id_prefix, self.z_m(room_z)[0], at_m)
        x0, y0 = snap(at_m[0] - self.size_m[0] / 2), snap(at_m[1] - self.size_m[1] / 2)
        height = self.z_m(room_z)[1]
        aisle = Aisle((x0, snap(x0 + self.size_m[0])), (y0, snap(y0 + self.size_m[1])))
        return Containment(fresh_id(layout, self.id_prefix), aisle, height, "hot",
                           height + PANEL_M <= room_z, ["-x", "+x"], DOOR_GAP_M)

    def describe(self) -> str:
        return "\n".join(self.lines + (f"new ids: {self.id_prefix}1, {self.id_prefix}2, …",
                                       "Drag onto the floor, or double-click to add it near "
                                       "the view centre."))


OBJECT_TEMPLATES = (
    ObjectTemplate("Column 0.4 x 0.4 m, floor to ceiling", "column-", "obstacle", (0.4, 0.4),
                   lambda z: (0.0, z), ("Column: a solid box from the floor to the ceiling",
                                        "air flows round it; drag its corner to resize")),
    ObjectTemplate("Beam 0.3 x 3.0 m under the ceiling", "beam-", "obstacle", (0.3, 3.0),
                   lambda z: (round(z - 0.3, 6), z),
                   ("Beam or duct: a box hanging 0.3 m below the ceiling",
                    "drawn hatched; it may pass over racks")),
    ObjectTemplate("Wall 3.0 x 0.1 m, floor to ceiling", "wall-", "obstacle", (3.0, 0.1),
                   lambda z: (0.0, z), ("Wall or partition: a thin solid box",
                                        "set its height in the inspector")),
    ObjectTemplate("Contained aisle 3.0 x 1.2 m", "HAC-", "containment", (3.0, 1.2),
                   lambda z: (0.0, AISLE_HEIGHT_M),
                   ("Containment: a roof at 2 m and doors at both ends of an aisle",
                    f"doors {DOOR_GAP_M:g} m off the floor; hot or cold in the inspector",
                    "Edit › Contain as Hot/Cold Aisle fits one to selected racks")),
    ObjectTemplate("Temperature sensor 1 m above the floor", "S-", "sensor", (0.0, 0.0),
                   lambda z: (SENSOR_HEIGHT_M, SENSOR_HEIGHT_M),
                   ("Sensor: the model's air temperature at a point",
                    "its value shows on the plan after each solve")),
)
