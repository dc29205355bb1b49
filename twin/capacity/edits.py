"""A capacity candidate applied to a layout as one undoable edit (twin.commands).

The candidate's placed layout holds the new racks (or the servers added to an
existing rack) together with what connects them: their PDU or busway cords,
the leaf that serves them and the CDU that carries their liquid heat. The
command puts those sections of the placed layout into the edited one and
puts the old ones back on undo, so the racks never appear unpowered or
outside the fabric.
"""
from __future__ import annotations

import copy

from twin.commands import Command

SECTIONS = ("racks", "power", "network", "liquid")


class ApplySite(Command):
    """Add a capacity candidate (twin.capacity.plan.Site) with its cords, leaf and CDU."""

    def __init__(self, site, label: str = ""):
        super().__init__()
        placed = site.placed
        self.after = {name: copy.deepcopy(getattr(placed.layout, name, None)) for name in SECTIONS}
        self.rack_ids = list(placed.rack_ids)
        into = site.into_rack
        self.label = label or (f"add servers into {into}" if into
                               else f"add {', '.join(self.rack_ids)}")
        self.before: dict = {}

    def redo(self, layout) -> None:
        self.before = {name: getattr(layout, name, None) for name in SECTIONS}
        for name in SECTIONS:
            setattr(layout, name, copy.deepcopy(self.after[name]))

    def undo(self, layout) -> None:
        for name, value in self.before.items():
            setattr(layout, name, value)
