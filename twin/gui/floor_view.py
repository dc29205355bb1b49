"""The floor plan to scale: heat map under the equipment, drag with snapping, a probe.

FloorView shows a layout and a result; edits leave it only as requests
(sigMoveRequested, sigSelected) that the main window turns into commands.
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor

from twin.gui import fields
from twin.gui.arrows import ArrowField
from twin.gui.floor_items import EquipmentItem, FloorItem, RackItem
from twin.gui.format2_layer import Format2Layer, unit_item_class
from twin.model import Rack
from twin.gui.palette_panel import template_from_mime
from twin.gui.floor_selection import SelectionMixin
from twin.gui.rubber_band import SelectingViewBox
from twin.model import Layout

TEMPERATURE_MAP = "turbo"
POWER_DENSITY_LEVELS_KW_M2 = (0.0, 50.0)
POWER_MAP = pg.ColorMap([0.0, 1.0], [(255, 244, 214), (200, 40, 0)])
ARROW_SPACING_M = 0.6
FLASH_MS = 900


def dropped_layout(mime) -> Optional[str]:
    """The first local .yaml/.yml file among dropped URLs, or None."""
    for url in (mime.urls() if mime.hasUrls() else []):
        if url.isLocalFile() and url.toLocalFile().lower().endswith((".yaml", ".yml")):
            return url.toLocalFile()
    return None


def temperature_colormap() -> pg.ColorMap:
    return pg.colormap.get(TEMPERATURE_MAP)


def difference_colormap() -> pg.ColorMap:
    """Blue (cooler) through white to red (warmer), as in the HTML report's difference map."""
    from twin.report.png import DIFF_STOPS
    return pg.ColorMap(np.linspace(0.0, 1.0, len(DIFF_STOPS)), DIFF_STOPS.astype(np.uint8))


class FloorView(SelectionMixin, pg.GraphicsLayoutWidget):
    """Plan view in metres (x east, y north up) with equipment items over a temperature map."""

    sigSelected = Signal(str)                      # id, "" for none or several
    sigSelectionChanged = Signal(list)             # ids of every selected item
    sigMoveRequested = Signal(str, float, float)   # id, new south-west corner x, y in m
    sigGroupMoveRequested = Signal(dict)           # id -> new south-west corner, several items
    sigHint = Signal(str)                          # feedback while dragging ("" when fine)
    sigProbe = Signal(str)                         # what is under the mouse
    sigNudge = Signal(str, int, int)               # id, tiles east, tiles north (arrow keys)
    sigTemplateDropped = Signal(object, float, float)   # palette template, drop point x, y in m
    sigFileDropped = Signal(str)                   # a layout file dropped on the plan
    sigCommand = Signal(object)                    # an edit built from a gesture (twin.commands)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = self.addPlot(viewBox=SelectingViewBox(self.band_selected))
        self.plot.setAspectLocked(True)
        self.plot.setLabel("bottom", "x (m)")
        self.plot.setLabel("left", "y (m)")
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.image = pg.ImageItem(axisOrder="col-major")
        self.image.setZValue(-20)
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=fields.TEMPERATURE_LEVELS_C, colorMap=temperature_colormap(),
                                        label="air temperature (°C)", interactive=False)
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        self.floor = FloorItem()
        self.plot.addItem(self.floor)
        self.arrows = ArrowField()
        self.arrows.setVisible(False)
        self.plot.addItem(self.arrows)
        self.section_line = pg.InfiniteLine(angle=0, movable=True, pen=pg.mkPen((255, 255, 255), width=2,
                                                                                 style=Qt.DashLine))
        self.section_line.setZValue(8)             # under the equipment, so racks on it still drag
        self.section_line.setVisible(False)
        self.plot.addItem(self.section_line)
        self.items: dict[str, EquipmentItem] = {}
        self.format2 = Format2Layer(self)      # obstacles, containment, sensors, rear doors
        self.overlay: list = []                # placement candidates drawn over the plan
        self.layout: Optional[Layout] = None
        self.update_ = None                    # the SolveUpdate shown
        self.floor_map = None                  # a compare_map.FloorMap drawn instead, or None
        self.selected = ""                     # the one selected item, "" for none or several
        self.selection: list[str] = []         # every selected item, in the order chosen
        self.color_mode = "intake"             # "power" | "intake" | a mode rack_look answers
        self.rack_look = None                  # (rack, mode) -> (fill, caption) or None: other modes
        self.height_m = 1.0
        self._dragging: Optional[str] = None
        self._group_from: dict[str, tuple[float, float]] = {}   # a group drag's start corners
        self._flash: dict[str, str] = {}
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_scene_clicked)

    # -- layout -----------------------------------------------------------------
    def set_layout(self, layout: Layout) -> None:
        """Show a (new) layout and fit it in the view."""
        self.layout = layout
        self.update_ = None
        self.image.clear()
        self.arrows.clear()
        for item in self.items.values():
            self.plot.removeItem(item)
        self.items.clear()
        self.format2.clear()
        self.set_overlay([])
        self.selected, self.selection = "", []
        self.sync()
        lx, ly = layout.room.size_m[:2]
        self.section_line.setBounds((0, ly))
        self.plot.setRange(QRectF(0, 0, lx, ly), padding=0.03)

    def sync(self) -> None:
        """Bring the items in line with the layout (after any edit, undo or redo)."""
        layout = self.layout
        room = layout.room
        self.floor.set_floor(room.size_m, room.tile_m, layout.tiles)
        wanted = {r.id: r for r in layout.racks} | {u.id: u for u in layout.cooling_units}
        classes = {i: RackItem if isinstance(o, Rack) else unit_item_class(o) for i, o in wanted.items()}
        for item_id in [i for i in self.items if i not in wanted or type(self.items[i]) is not classes[i]]:
            self.plot.removeItem(self.items.pop(item_id))
        for item_id, obj in wanted.items():
            item = self.items.get(item_id)
            if item is None:
                item = classes[item_id](self, item_id, obj.size_m[:2],
                                        obj.facing if isinstance(obj, Rack) else obj.state)
                self.items[item_id] = item
                self.plot.addItem(item)
            item.set_size(obj.size_m[:2])
            if self._dragging != item_id and item_id not in self._group_from:
                item.setPos(*obj.position_m)
        self.format2.sync(layout)
        if any(i not in self.items and i not in self.format2.items for i in self.selection):
            self.select_many([i for i in self.selection if i in self.items or i in self.format2.items])
        self._restyle()

    def _restyle(self) -> None:
        """Colours and captions from the layout and the latest result."""
        if self.layout is None:
            return
        result = self.update_.result if self.update_ is not None else None
        states = {}
        if self.floor_map is not None:              # label items from the variant on the map
            result, states = self.floor_map.result or result, dict(self.floor_map.unit_states)
        cmap = temperature_colormap()
        lo, hi = fields.TEMPERATURE_LEVELS_C
        for rack in self.layout.racks:
            item = self.items[rack.id]
            look = self.rack_look(rack, self.color_mode) if self.rack_look is not None else None
            if look is not None:
                fill, caption = look
            elif self.color_mode == "intake" and result is not None and rack.id in result.racks:
                t = result.racks[rack.id].inlet_mean_c
                fill = cmap.map((t - lo) / (hi - lo), mode="qcolor") if math.isfinite(t) else QColor("gray")
                caption = f"{t:.1f} °C" if math.isfinite(t) else "—"
            else:
                density = rack.power_kw / max(rack.size_m[0] * rack.size_m[1], 1e-9)
                plo, phi = POWER_DENSITY_LEVELS_KW_M2
                fill = POWER_MAP.map(min(max((density - plo) / (phi - plo), 0.0), 1.0), mode="qcolor")
                caption = f"{rack.power_kw:g} kW"
            item.set_look(rack.facing, fill, caption)
            item.set_flags(rack.id in self.selection, self._flash.get(rack.id))
        for unit in self.layout.cooling_units:
            item = self.items[unit.id]
            caption, state = "", states.get(unit.id, unit.state)
            if result is not None and unit.id in result.cooling_units and state == "running":
                ret = result.cooling_units[unit.id].return_temp_c
                caption = f"ret {ret:.1f} °C" if math.isfinite(ret) else ""
            item.set_look(state, caption)
            item.set_flags(unit.id in self.selection, self._flash.get(unit.id))
        self.format2.restyle(result, self.selection, self._flash)

    def set_sensor_readings(self, readings: dict) -> None:
        """Show measured readings on the sensors: {sensor id: (dot colour, label, tooltip)};
        a sensor left out keeps its plain look with the modelled value."""
        self.format2.readings = dict(readings)
        self._restyle()

    def set_overlay(self, items: list) -> None:
        """Show these graphics items over the plan (placement candidates) instead of the
        previous ones; they are not equipment and are dropped when another layout opens."""
        for item in self.overlay:
            self.plot.removeItem(item)
        self.overlay = list(items)
        for item in self.overlay:
            self.plot.addItem(item)

    def set_color_mode(self, mode: str) -> None:
        self.color_mode = mode
        self._restyle()

    def flash_refused(self, item_id: str, reason: str) -> None:
        """Outline an item in red for a moment after an edit of it was refused."""
        if item_id not in self.items and item_id not in self.format2.items:
            return
        self._flash[item_id] = reason
        self._restyle()
        QTimer.singleShot(FLASH_MS, self, lambda: self._end_flash(item_id))

    def _end_flash(self, item_id: str) -> None:
        self._flash.pop(item_id, None)
        if self.layout is not None and (item_id in self.items or item_id in self.format2.items):
            self._restyle()

    def keyPressEvent(self, ev) -> None:
        """Arrow keys move the selection by one tile (a run of presses is one undo step)."""
        steps = {Qt.Key_Left: (-1, 0), Qt.Key_Right: (1, 0), Qt.Key_Up: (0, 1), Qt.Key_Down: (0, -1)}
        if self.selected and ev.key() in steps:
            self.sigNudge.emit(self.selected, *steps[ev.key()])
            ev.accept()
            return
        super().keyPressEvent(ev)

    # -- drops from the palette (and files, handed on) -----------------------------
    def _accepts(self, mime) -> bool:
        return template_from_mime(mime) is not None or dropped_layout(mime) is not None

    def dragEnterEvent(self, ev) -> None:
        if self._accepts(ev.mimeData()):
            ev.acceptProposedAction()
        else:
            ev.ignore()

    def dragMoveEvent(self, ev) -> None:
        self.dragEnterEvent(ev)

    def dropEvent(self, ev) -> None:
        template, path = template_from_mime(ev.mimeData()), dropped_layout(ev.mimeData())
        if template is None and path is None:
            ev.ignore()
            return
        ev.acceptProposedAction()
        if path is not None:
            self.sigFileDropped.emit(path)
            return
        p = self.plot.vb.mapSceneToView(self.mapToScene(ev.position().toPoint()))
        self.sigTemplateDropped.emit(template, p.x(), p.y())

    # -- results ------------------------------------------------------------------
    def set_update(self, update) -> None:
        """Show a solve result: the temperature plane, arrows and rack colours."""
        self.update_ = update
        self._show_plane()
        self._restyle()

    def set_height(self, z_m: float) -> None:
        self.height_m = z_m
        self._show_plane()

    def show_arrows(self, visible: bool) -> None:
        self.arrows.setVisible(visible)
        self._show_plane()

    def _room(self):
        return self.update_.layout.room.size_m

    def show_map(self, floor_map) -> None:
        """Draw a comparison map (baseline, scenario, difference) instead of the live result;
        None goes back to the live temperatures. The colour bar follows."""
        self.floor_map = floor_map
        diverging = floor_map is not None and floor_map.diverging
        self.colorbar.setColorMap(difference_colormap() if diverging else temperature_colormap())
        self.colorbar.setLevels(floor_map.levels if floor_map is not None else fields.TEMPERATURE_LEVELS_C)
        self.colorbar.getAxis("left").setLabel(floor_map.label if floor_map is not None
                                               else "air temperature (°C)")
        if floor_map is None and self.update_ is None:
            self.image.clear()
        self._show_plane()
        self._restyle()

    def _shown_fields(self):
        """(temperature-like field, velocity, room size, levels) on screen, or None."""
        m = self.floor_map
        if m is not None:
            return m.field, m.velocity_ms, m.room_m, m.levels
        if self.update_ is None:
            return None
        r = self.update_.result
        return r.temperature_c, r.velocity_ms, self._room(), fields.TEMPERATURE_LEVELS_C

    def _show_plane(self) -> None:
        shown = self._shown_fields()
        if shown is None:
            return
        field, velocity, room, levels = shown
        plane = fields.horizontal_plane(field, room, self.height_m)
        self.image.setImage(plane, levels=levels, autoLevels=False)
        self.image.setRect(QRectF(0, 0, room[0], room[1]))
        if self.arrows.isVisible() and velocity is not None:
            pts, vel = fields.arrow_samples(velocity, room, self.height_m, ARROW_SPACING_M)
            self.arrows.set_arrows(pts, vel)

    def plane_image(self) -> Optional[np.ndarray]:
        """The temperature plane on screen (for checks), or None before the first result."""
        return self.image.image

    # -- probe --------------------------------------------------------------------
    def _on_mouse_moved(self, scene_pos) -> None:
        if self.layout is None or not self.plot.sceneBoundingRect().contains(scene_pos):
            return
        p = self.plot.vb.mapSceneToView(scene_pos)
        self.sigProbe.emit(self.probe_text(p.x(), p.y()))

    def probe_text(self, x_m: float, y_m: float) -> str:
        """'x .. m, y .. m, z .. m: T degC' for a point of the shown plane."""
        where = f"x {x_m:.2f} m, y {y_m:.2f} m, z {self.height_m:.2f} m"
        lx, ly = self.layout.room.size_m[:2]
        if not (0 <= x_m <= lx and 0 <= y_m <= ly):
            return f"{where}: outside the room"
        shown = self._shown_fields()
        if shown is None:
            return f"{where}: no result yet"
        t = fields.value_at(shown[0], shown[2], x_m, y_m, self.height_m)
        if not math.isfinite(t):
            return f"{where}: inside equipment"
        if self.floor_map is not None and self.floor_map.unit == "K":
            return f"{where}: {t:+.1f} K (scenario − baseline)"
        return f"{where}: {t:.1f} °C" + (f" ({self.floor_map.mode})" if self.floor_map else "")
