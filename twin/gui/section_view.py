"""A vertical section through the room: temperature on an x-z or y-z plane.

The plot spans the room exactly, wall to wall and floor to ceiling (the
section is long and low, so it is not drawn to scale: the height is stretched).

It draws what the floor plan draws: the live result, or a comparison map
(baseline, scenario, difference) with that map's scale and colour bar.
"""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from twin.gui import fields
from twin.gui.floor_view import difference_colormap, temperature_colormap
from twin.gui.section_items import SectionOutline

STEP_M = 0.1
AXES = (("x", "West–east section (x-z) at y ="), ("y", "South–north section (y-z) at x ="))


class SectionView(QWidget):
    """Temperature on a vertical plane; the plane's place is shared with the floor view's line."""

    sigPlaneChanged = Signal(str, float)     # axis ("x": plane at y, "y": plane at x), position m

    def __init__(self, parent=None):
        super().__init__(parent)
        self.axis = QComboBox()
        for key, text in AXES:
            self.axis.addItem(text, key)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setObjectName("sectionSlider")
        self.where = QLabel()
        self.where.setMinimumWidth(60)
        self.plot_widget = pg.GraphicsLayoutWidget()
        self.plot = self.plot_widget.addPlot()
        self.plot.setLabel("left", "z (m)")
        self.plot.setMenuEnabled(False)
        self.image = pg.ImageItem(axisOrder="col-major")
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=fields.TEMPERATURE_LEVELS_C, colorMap=temperature_colormap(),
                                        label="°C", interactive=False)
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        self.outline = SectionOutline()        # racks, units, obstacles, panels, sensors cut
        self.plot.addItem(self.outline)
        self.probe = QLabel(" ")
        self.update_ = None
        self.floor_map = None            # a comparison map shown instead of the live result
        self._rect = None
        self.room_m = (1.0, 1.0, 1.0)
        bar = QHBoxLayout()
        bar.addWidget(self.axis)
        bar.addWidget(self.slider, 1)
        bar.addWidget(self.where)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 4)
        box.addLayout(bar)
        box.addWidget(self.plot_widget, 1)
        box.addWidget(self.probe)
        self.axis.currentIndexChanged.connect(self._on_axis)
        self.slider.valueChanged.connect(self._on_slider)
        self.plot_widget.scene().sigMouseMoved.connect(self._on_mouse)

    def set_room(self, room_m) -> None:
        """Fit the controls to a room and put the plane through its middle."""
        self.room_m = tuple(room_m)
        self._on_axis()

    def _span(self, along_m: float, height_m: float) -> None:
        """Show exactly the room's length and height; zooming stays inside them."""
        self.plot.setLimits(xMin=0.0, xMax=along_m, yMin=0.0, yMax=height_m)
        self.plot.setRange(xRange=(0.0, along_m), yRange=(0.0, height_m), padding=0.0)

    def _length(self) -> float:
        return self.room_m[1] if self.current_axis() == "x" else self.room_m[0]

    def current_axis(self) -> str:
        return self.axis.currentData()

    def position_m(self) -> float:
        return round(self.slider.value() * STEP_M, 3)

    def set_position(self, at_m: float) -> None:
        self.slider.setValue(int(round(at_m / STEP_M)))

    def _on_axis(self) -> None:
        self.slider.blockSignals(True)
        self.slider.setRange(0, int(round(self._length() / STEP_M)))
        self.slider.setValue(int(round(self._length() / 2 / STEP_M)))
        self.slider.blockSignals(False)
        self.plot.setLabel("bottom", "x (m)" if self.current_axis() == "x" else "y (m)")
        along = self.room_m[0] if self.current_axis() == "x" else self.room_m[1]
        self._span(along, self.room_m[2])
        self._on_slider()

    def set_layout(self, layout) -> None:
        """The layout whose equipment and objects the section outlines (after every edit)."""
        self.outline.set_layout(layout)

    def _on_slider(self) -> None:
        self.where.setText(f"{self.position_m():.1f} m")
        self.outline.set_plane(self.current_axis(), self.position_m())
        self._show()
        self.sigPlaneChanged.emit(self.current_axis(), self.position_m())

    def set_update(self, update) -> None:
        self.update_ = update
        self.outline.set_result(update.result)
        self._show()

    def show_map(self, floor_map) -> None:
        """Draw a comparison map (twin.gui.compare_map.FloorMap); None: the live result."""
        self.floor_map = floor_map
        diverging = floor_map is not None and floor_map.diverging
        self.colorbar.setColorMap(difference_colormap() if diverging else temperature_colormap())
        self.colorbar.getAxis("left").setLabel(floor_map.unit if floor_map is not None else "°C")
        self._show()

    def _shown(self):
        """(cell field, room size m, colour levels, unit) of what is drawn, or None."""
        if self.floor_map is not None:
            m = self.floor_map
            return m.field, m.room_m, m.levels, m.unit
        if self.update_ is None:
            return None
        return (self.update_.result.temperature_c, self.update_.layout.room.size_m,
                fields.TEMPERATURE_LEVELS_C, "°C")

    def _show(self) -> None:
        shown = self._shown()
        if shown is None:
            return
        field, room, levels, _unit = shown
        plane = fields.vertical_plane(field, room, self.current_axis(), self.position_m())
        along = room[0] if self.current_axis() == "x" else room[1]
        self.image.setImage(plane, levels=levels, autoLevels=False)
        self.colorbar.setLevels(levels)
        rect = QRectF(0, 0, along, room[2])
        if self.image.boundingRect().isEmpty() or self._rect != rect:
            self._rect = rect
            self._span(along, room[2])
        self.image.setRect(rect)

    def _on_mouse(self, scene_pos) -> None:
        shown = self._shown()
        if shown is None:
            return
        field, room, _levels, unit = shown
        p = self.plot.vb.mapSceneToView(scene_pos)
        at = self.position_m()
        x, y = (p.x(), at) if self.current_axis() == "x" else (at, p.x())
        t = fields.value_at(field, room, x, y, p.y())
        sign = "+" if unit == "K" else ""
        text = f"{t:{sign}.1f} {unit}" if math.isfinite(t) else "—"
        self.probe.setText(f"x {x:.2f} m, y {y:.2f} m, z {p.y():.2f} m: {text}")
