"""The inspector's room page: the raised floor's depth and each tile area's perforation.

Shown while nothing is selected. Fields are checked as you type by dry-running
their command (`floor_edits`, the model's own checks) and commit as one undo
step, like the rest of the inspector. An empty height takes the raised floor
away; an empty open % gives the tile area the 25 % default.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel

from twin.floor_edits import set_raised_floor, set_tile_open_pct, tile_area_text
from twin.gui.format2_inspector import OptionalField
from twin.model.objects import TILE_OPEN_PCT


class RaisedFloorGroup(QGroupBox):
    """Room properties for the inspector; its fields report to it as to an inspector."""

    def __init__(self, inspector):
        super().__init__("Room: raised floor")
        self.inspector = inspector
        self.setObjectName("raised_floor_group")
        form = QFormLayout(self)
        self.height = OptionalField(self, "raised_floor_height_m",
                                    lambda v: set_raised_floor(self.layout, v))
        self.height.setPlaceholderText("no raised floor")
        self.height.setToolTip("Depth of the plenum under the floor; empty: no raised floor")
        form.addRow("Height (m)", self.height)
        self.area = QComboBox()
        self.area.setObjectName("tile_area")
        self.area.currentIndexChanged.connect(self._show_area)
        form.addRow("Tile area", self.area)
        self.open_pct = OptionalField(self, "tile_open_pct",
                                      lambda v: set_tile_open_pct(self.layout, self.area.currentIndex(), v))
        self.open_pct.setPlaceholderText(f"{TILE_OPEN_PCT:g} (default)")
        form.addRow("Open (%)", self.open_pct)
        self.note = QLabel()
        self.note.setWordWrap(True)
        form.addRow(self.note)

    # -- what NumberField asks of its inspector -------------------------------------
    @property
    def layout(self):
        return self.inspector.layout

    def show_problem(self, problem: Optional[str]) -> None:
        self.inspector.show_problem(problem)

    def execute(self, command) -> None:
        self.inspector.document.execute(command)
        self.refresh()                     # a refused value shows the model's again

    # -- showing --------------------------------------------------------------------
    def refresh(self) -> None:
        layout = self.layout
        plenum = layout.room.raised_floor
        self.height.show_value(None if plenum is None else plenum.height_m)
        keep = self.area.currentIndex()
        self.area.blockSignals(True)
        self.area.clear()
        self.area.addItems([tile_area_text(layout, i) for i in range(len(layout.tiles))])
        self.area.setCurrentIndex(min(max(keep, 0), len(layout.tiles) - 1))
        self.area.blockSignals(False)
        self.area.setEnabled(bool(layout.tiles))
        self._show_area()
        self.note.setText("" if plenum is not None else
                          "Without a raised floor the units' air leaves every tile alike; "
                          "a height gives the tiles flows from the plenum's pressure.")

    def _show_area(self, *_) -> None:
        index = self.area.currentIndex()
        has = 0 <= index < len(self.layout.tiles)
        self.open_pct.show_value(self.layout.tiles[index].open_pct if has else None)
        self.open_pct.setEnabled(has)
