"""The liquid loop on the floor plan: CDUs drawn where they stand, racks coloured by
coolant return temperature on request, and a CDU picked by a click.

CDU boxes are coloured like the loop view (load against capacity; grey and
crossed out when failed). They are picked, not dragged: their fields are
edited in the Inspector, through `twin.liquid_edits` commands.
"""
from __future__ import annotations

from typing import Optional

import pyqtgraph as pg
from PySide6.QtCore import QLineF, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from twin.gui.floor_items import HOT_EDGE, SELECTED, _cosmetic, draw_label
from twin.gui.liquid_view import AIR_RACK, coolant_color
from twin.gui.power_chain_view import FAILED_COLOR, OVER_COLOR, node_color
from twin.liquid import FACILITY, solve_liquid

COOLANT_MODE = "coolant"


class CduItem(pg.GraphicsObject):
    """A CDU footprint (south-west corner at pos()); a click picks it."""

    def __init__(self, layer: "LiquidLayer", cdu_id: str):
        super().__init__()
        self.layer, self.cdu_id = layer, cdu_id
        self.size_m = (0.6, 1.2)
        self.fill, self.lines, self.failed, self.selected = QColor(FAILED_COLOR), [cdu_id], False, False
        self.setZValue(10)
        self.setCursor(Qt.PointingHandCursor)

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, *self.size_m)

    def set_look(self, size_m, fill: QColor, lines: list[str], failed: bool, selected: bool) -> None:
        if tuple(size_m) != self.size_m:
            self.prepareGeometryChange()
            self.size_m = tuple(size_m)
        self.fill, self.lines, self.failed, self.selected = QColor(fill), lines, failed, selected
        self.update()

    def paint(self, painter, *args) -> None:
        rect = self.boundingRect()
        painter.setPen(_cosmetic(QColor(10, 40, 90), 2.0))
        painter.setBrush(QBrush(self.fill))
        painter.drawRect(rect)
        painter.setPen(_cosmetic(QColor(10, 40, 90), 1.0, Qt.DashLine))
        painter.drawLine(QLineF(rect.left(), rect.center().y(), rect.right(), rect.center().y()))
        if self.failed:
            painter.setPen(_cosmetic(HOT_EDGE, 2.5))
            painter.drawLine(QLineF(rect.topLeft(), rect.bottomRight()))
            painter.drawLine(QLineF(rect.bottomLeft(), rect.topRight()))
        if self.selected:
            painter.setPen(_cosmetic(SELECTED, 3))
            painter.setBrush(Qt.NoBrush)
            painter.drawRect(rect)
        draw_label(painter, rect, self.lines)

    def mouseClickEvent(self, ev) -> None:
        if ev.button() == Qt.LeftButton:
            ev.accept()
            self.layer.pick(self.cdu_id)

    def mouseDragEvent(self, ev) -> None:
        ev.ignore()


def coolant_look(result, rack) -> tuple[QColor, str]:
    """(fill, caption) of a rack coloured by coolant return temperature."""
    coolant = result.racks.get(rack.id) if result is not None else None
    if coolant is None or (coolant.liquid_kw <= 0 and not coolant.cdus):
        return AIR_RACK, "air"
    if coolant.stranded:
        return OVER_COLOR, "no CDU"
    if coolant.return_c is None:
        return AIR_RACK, "—"
    return coolant_color(coolant.return_c), f"{coolant.return_c:.1f} °C"


class LiquidLayer(QObject):
    """The CDU items of a floor view and the picked CDU."""

    sigPicked = Signal(str)          # a CDU id picked on the plan ("" when the pick is dropped)

    def __init__(self, view):
        super().__init__(view)
        self.view = view
        self.items: dict[str, CduItem] = {}
        self.result = None               # LiquidResult of the layout as it stands
        self.selected = ""
        view.rack_look = self.rack_look

    def sync(self) -> None:
        """Bring the CDU items in line with the layout and re-solve the loop."""
        layout = self.view.layout
        liquid = getattr(layout, "liquid", None) if layout is not None else None
        cdus = {c.id: c for c in liquid.cdus} if liquid is not None else {}
        for cdu_id in [i for i in self.items if i not in cdus]:
            self.view.plot.removeItem(self.items.pop(cdu_id))
        self.result = solve_liquid(layout) if liquid is not None else None
        if self.selected not in cdus:
            self.selected = ""
        for cdu_id, cdu in cdus.items():
            item = self.items.get(cdu_id)
            if item is None:
                item = self.items[cdu_id] = CduItem(self, cdu_id)
                self.view.plot.addItem(item)
            item.setPos(*cdu.position_m)
            self._style(item, cdu)
        self.view._restyle()

    def _style(self, item: CduItem, cdu) -> None:
        load = self.result.cdus[cdu.id]
        if not cdu.running:
            fill, lines = FAILED_COLOR, [cdu.id, "FAILED"]
        else:
            pct = 100.0 * load.load_kw / load.capacity_kw
            fill, lines = node_color(pct, 100.0), [cdu.id, f"{pct:.0f} %"]
        item.set_look(cdu.size_m[:2], fill, lines, not cdu.running, cdu.id == self.selected)

    def rack_look(self, rack, mode: str) -> Optional[tuple[QColor, str]]:
        """The floor view's hook: a look for `rack` in the coolant mode, else None."""
        if mode != COOLANT_MODE:
            return None
        return coolant_look(self.result, rack)

    def pick(self, cdu_id: str) -> None:
        """Select a CDU (the floor's own selection is dropped first)."""
        if cdu_id and self.view.selection:
            self.view.select("")
        self.selected = cdu_id if cdu_id in self.items else ""
        for item_id, item in self.items.items():
            cdu = self.view.layout.liquid.cdu(item_id)
            self._style(item, cdu)
        self.sigPicked.emit(self.selected)

    def drop_pick(self, floor_selected: str) -> None:
        """Something else was selected on the floor: the CDU is no longer picked."""
        if floor_selected and self.selected:
            self.pick("")


def attach_liquid_floor(window, panel) -> LiquidLayer:
    """CDUs on the window's plan, the coolant colour mode, and the Inspector's liquid fields;
    a pick on the plan or in the loop view selects the same CDU or rack everywhere."""
    from twin.gui.liquid_inspector import attach_liquid_inspector
    floor = window.floor
    layer = LiquidLayer(floor)
    window.liquid_layer = layer
    attach_liquid_inspector(window)
    document = window.document
    document.sigChanged.connect(lambda _event, _command: layer.sync())
    document.sigReplaced.connect(layer.sync)
    floor.sigSelected.connect(layer.drop_pick)
    floor.sigSelected.connect(lambda item_id: item_id and panel.select(item_id))
    layer.sigPicked.connect(panel.select)

    def picked_in_loop(node: str) -> None:
        if node in layer.items:
            layer.pick(node)
        elif node != FACILITY and node in floor.items:
            floor.select(node)
    panel.sigPicked.connect(picked_in_loop)
    layer.sync()
    return layer
