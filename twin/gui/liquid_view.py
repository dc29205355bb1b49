"""The liquid loop drawn in columns: facility water, CDUs, the racks they feed.

Structure comes from `twin.liquid.loop_graph` (networkx), figures from a
`LiquidResult`. A CDU box shows its load against its capacity and its
secondary supply and return; a failed CDU is grey and crossed out. Racks are
coloured by coolant return temperature; a rack that loses its cooling
(stranded, or coolant over the limit) is red, labelled with the seconds until
its coolant passes the limit when they are known (a CDU failure's stranded
racks, or the loss of facility water). An edge is drawn for each CDU that
carries a rack now; a listed CDU that does not (failed) is a dotted grey edge.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from twin.gui.fields import TEMPERATURE_LEVELS_C
from twin.gui.power_chain_view import EDGE_COLOR, FAILED_COLOR, OVER_COLOR, fit_columns, node_color
from twin.liquid import FACILITY, loop_graph
from twin.scenario.ridethrough import format_time

COLUMN_X = (0.0, 150.0, 290.0)
NODE_W, NODE_H, RACK_W, RACK_H = 110.0, 46.0, 96.0, 22.0
COOLANT_LEVELS_C = TEMPERATURE_LEVELS_C   # the floor's colour bar: a colour is the same °C
AIR_RACK = QColor(215, 215, 215)
WATER_COLOR = QColor(110, 170, 230)


def coolant_color(temp_c: Optional[float]) -> QColor:
    """Coolant temperature on the app's temperature colour map and fixed scale."""
    from twin.gui.floor_view import temperature_colormap
    if temp_c is None:
        return AIR_RACK
    lo, hi = COOLANT_LEVELS_C
    return temperature_colormap().map(min(max((temp_c - lo) / (hi - lo), 0.0), 1.0), mode="qcolor")


def rack_state(result, rack_id: str, seconds: dict) -> tuple[QColor, str]:
    """(fill, caption) of a rack in the loop: return temperature, or why it loses cooling."""
    rack = result.racks.get(rack_id)
    if rack is None:
        return AIR_RACK, rack_id
    if rack_id in seconds:
        s = seconds[rack_id]
        return OVER_COLOR, f"{rack_id} {'limit in ' + format_time(s) if s is not None else 'no cooling'}"
    if rack.over_limit:
        return OVER_COLOR, f"{rack_id} {'no CDU' if rack.stranded else 'over limit'}"
    if rack.return_c is None:
        return AIR_RACK, rack_id
    return coolant_color(rack.return_c), f"{rack_id} {rack.return_c:.1f} °C"


class LiquidLoopView(QGraphicsView):
    """Draws the loop of a layout with a solved LiquidResult; click a CDU to pick it."""

    sigPicked = Signal(str)              # a CDU or rack id clicked, "facility-water" for the water

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.Antialiasing)
        self.setMinimumHeight(180)
        self.positions: dict[str, tuple[float, float]] = {}
        self.colors: dict[str, QColor] = {}
        self.captions: dict[str, str] = {}
        self.selected = ""

    def show_loop(self, layout, result, seconds: Optional[dict] = None, selected: str = "") -> None:
        """Redraw. `seconds`: rack id -> seconds to the coolant limit (None: no cooling at all)
        for the racks that lose cooling in the case shown."""
        seconds = seconds or {}
        self.selected = selected
        graph = loop_graph(layout)
        scene = self.scene()
        scene.clear()
        self.colors, self.captions = {}, {}
        cdus = [c.id for c in layout.liquid.cdus]
        racks = [n for n in graph.nodes if graph.nodes[n]["kind"] == "rack"]
        order = {r.id: i for i, r in enumerate(layout.racks)}
        racks.sort(key=lambda r: (min((cdus.index(c) for c in graph.predecessors(r)), default=0),
                                  order.get(r, 0)))
        self.positions = self._place([[FACILITY], cdus, racks])
        self._edges(graph, result)
        self._water(layout, result)
        for cdu_id in cdus:
            self._cdu(result.cdus[cdu_id])
        for rack_id in racks:
            fill, caption = rack_state(result, rack_id, seconds)
            self._box(rack_id, RACK_W, RACK_H, fill, caption, 6)
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-10, -10, 10, 10))
        self.fit()

    @staticmethod
    def _place(columns: list[list[str]]) -> dict[str, tuple[float, float]]:
        height = max([len(columns[2]) * (RACK_H + 4), len(columns[1]) * (NODE_H + 14), NODE_H + 20])
        out = {}
        for x, column in zip(COLUMN_X, columns):
            step = height / max(len(column), 1)
            for i, node in enumerate(column):
                out[node] = (x, (i + 0.5) * step)
        return out

    def _edges(self, graph, result) -> None:
        carried = {(c.id, r) for c in result.cdus.values() for r in c.racks}
        for a, b in graph.edges:
            self._line(a, b, QPen(EDGE_COLOR, 1.0))
        for cdu_id, rack_id in carried - set(graph.edges):        # takeovers within a group
            self._line(cdu_id, rack_id, QPen(QColor(200, 110, 0), 1.2, Qt.DashLine))
        for a, b in set(graph.edges) - carried:
            if a != FACILITY:
                self._line(a, b, QPen(FAILED_COLOR, 1.0, Qt.DotLine))

    def _line(self, a: str, b: str, pen: QPen) -> None:
        (xa, ya), (xb, yb) = self.positions[a], self.positions[b]
        wb = RACK_W if xb == COLUMN_X[2] else NODE_W
        self.scene().addLine(xa + NODE_W / 2, ya, xb - wb / 2, yb, pen)

    def _water(self, layout, result) -> None:
        water = layout.liquid.facility_water
        running = water.running
        text = (f"Facility water\n{result.facility_supply_c:g} °C {result.water_class}\n"
                f"{result.liquid_kw + result.pumps_kw:.0f} kW" if running else
                "Facility water\nLOST")
        self._box(FACILITY, NODE_W, NODE_H + 6, WATER_COLOR if running else FAILED_COLOR, text, 7,
                  crossed=not running)

    def _cdu(self, cdu) -> None:
        if not cdu.running:
            self._box(cdu.id, NODE_W, NODE_H, FAILED_COLOR, f"{cdu.id}\nfailed", 7, crossed=True)
            return
        pct = 100.0 * cdu.load_kw / cdu.capacity_kw
        text = (f"{cdu.id}\n{cdu.load_kw:.0f} / {cdu.capacity_kw:g} kW ({pct:.0f} %)\n"
                f"{cdu.supply_c:.1f} → {cdu.return_c:.1f} °C")
        self._box(cdu.id, NODE_W, NODE_H, node_color(pct, 100.0), text, 7)

    def _box(self, node: str, w: float, h: float, color: QColor, text: str, points: int,
             crossed: bool = False) -> None:
        x, y = self.positions[node]
        self.colors[node], self.captions[node] = color, text
        pen = QPen(Qt.black, 2.5 if node == self.selected else 0.8)
        box = self.scene().addRect(QRectF(x - w / 2, y - h / 2, w, h), pen, QBrush(color))
        box.setToolTip(text.replace("\n", ", "))
        box.setData(0, node)
        label = self.scene().addText(text, QFont("Sans", points))
        label.setDefaultTextColor(Qt.white if color.lightnessF() < 0.45 else Qt.black)
        rect = label.boundingRect()
        label.setPos(x - rect.width() / 2, y - rect.height() / 2)
        label.setData(0, node)
        if crossed:
            cross = QPen(QColor(60, 60, 60), 2.0)
            self.scene().addLine(x - w / 2, y - h / 2, x + w / 2, y + h / 2, cross)
            self.scene().addLine(x - w / 2, y + h / 2, x + w / 2, y - h / 2, cross)

    def mousePressEvent(self, event) -> None:
        item = self.itemAt(event.position().toPoint())
        node = item.data(0) if item is not None else None
        if node:
            self.sigPicked.emit(str(node))
        super().mousePressEvent(event)

    def fit(self) -> None:
        fit_columns(self)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()
