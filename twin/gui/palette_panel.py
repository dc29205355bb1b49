"""The equipment palette: templates of racks and cooling units to add to the floor."""
from __future__ import annotations

import copy
from dataclasses import dataclass

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QLabel, QListView, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout, QWidget)

from twin.gui.object_templates import INROW_UNIT, OBJECT_TEMPLATES
from twin.model import Air, CoolingUnit, Rack


@dataclass(frozen=True)
class Template:
    name: str
    id_prefix: str
    item: object          # a Rack or CoolingUnit whose id and position are replaced on adding


TEMPLATES = (
    Template("Rack 0.6 x 1.2 m, 10 kW, 12 K rise", "R",
             Rack("R", (0.0, 0.0), (0.6, 1.2, 2.0), "+y", 10, delta_t_k=12.0)),
    Template("GPU rack 0.6 x 1.2 m, 40 kW, 20 K rise", "G",
             Rack("G", (0.0, 0.0), (0.6, 1.2, 2.0), "+y", 40, delta_t_k=20.0)),
    Template("Storage rack 0.6 x 1.0 m, 5 kW, 10 K rise", "S",
             Rack("S", (0.0, 0.0), (0.6, 1.0, 2.0), "+y", 5, delta_t_k=10.0)),
    Template("Cooling unit 0.9 x 2.4 m, 4 m³/s, 18 °C", "CRAH-",
             CoolingUnit("CRAH-", (0.0, 0.0), (0.9, 2.4, 1.9), 4.0, 18.0)),
    Template("In-row cooler 0.3 x 1.2 m, 2.3 m³/s, 20 °C", "IRC-", INROW_UNIT),
) + OBJECT_TEMPLATES


TEMPLATE_MIME = "application/x-dctwin-template"
FACING_WORDS = {"+y": "north", "-y": "south", "+x": "east", "-x": "west"}


def tooltip(template: Template) -> str:
    """What a template adds, figure by figure (the airflow at standard air)."""
    if hasattr(template, "describe"):
        return template.describe()
    item = template.item
    w, d, h = item.size_m
    lines = [f"footprint {w:g} x {d:g} m, {h:g} m high"]
    if isinstance(item, Rack):
        airflow_m3s = item.airflow(Air())
        lines = [f"Rack: {lines[0]}", f"heat {item.power_kw:g} kW into the air",
                 f"air warms {item.delta_t_k:g} K through it: {airflow_m3s:.2f} m³/s",
                 f"front faces {item.facing} ({FACING_WORDS[item.facing]}); R rotates it"]
    elif item.inrow:
        lines = [f"In-row cooler: {lines[0]}", f"blows {item.airflow_m3s:g} m³/s at "
                 f"{item.supply_temp_c:g} °C out of its front, takes air back at its "
                 f"{item.return_}", "snaps into a rack row, facing the way its racks do"]
    else:
        lines = [f"Cooling unit: {lines[0]}", f"supplies {item.airflow_m3s:g} m³/s at "
                 f"{item.supply_temp_c:g} °C through the perforated tiles",
                 "takes the room's warm air back at its top"]
    lines.append(f"new ids: {template.id_prefix}1, {template.id_prefix}2, …")
    lines.append("Drag onto the floor, or double-click to add it near the view centre.")
    return "\n".join(lines)


class TemplateList(QListWidget):
    """The template list; dragging an entry carries its index for the floor view to drop."""

    def __init__(self):
        super().__init__()
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragOnly)

    def mimeTypes(self) -> list[str]:
        return [TEMPLATE_MIME]

    def mimeData(self, items) -> QMimeData:
        data = QMimeData()
        data.setData(TEMPLATE_MIME, str(self.row(items[0])).encode() if items else b"0")
        return data


def template_from_mime(mime) -> "Template | None":
    """The template a drag from the palette carries, or None for other drags."""
    if not mime.hasFormat(TEMPLATE_MIME):
        return None
    try:
        return TEMPLATES[int(bytes(mime.data(TEMPLATE_MIME)).decode())]
    except (ValueError, IndexError):
        return None


class PalettePanel(QWidget):
    """A list of templates; double-click or 'Add' emits sigAdd(template); entries drag onto the floor."""

    sigAdd = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.list = TemplateList()
        self.list.setObjectName("paletteList")
        self.list.setWordWrap(True)               # long names wrap in a narrow dock, never cut
        self.list.setResizeMode(QListView.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        for template in TEMPLATES:
            item = QListWidgetItem(template.name)
            item.setData(256, template.name)
            item.setToolTip(tooltip(template))
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.add_button = QPushButton("Add to floor")
        self.add_button.setToolTip("Add the chosen entry on the free tile position nearest the "
                                   "centre of the view")
        hint = QLabel("Drag an entry onto the floor, or add it to the free spot nearest the "
                      "centre of the view. R rotates, Delete removes; drag on empty floor to "
                      "select several, Ctrl+D duplicates.")
        hint.setWordWrap(True)
        box = QVBoxLayout(self)
        box.addWidget(self.list, 1)
        box.addWidget(self.add_button)
        box.addWidget(hint)
        self.add_button.clicked.connect(self._add_current)
        self.list.itemDoubleClicked.connect(lambda _item: self._add_current())

    def current(self) -> Template:
        return TEMPLATES[max(self.list.currentRow(), 0)]

    def _add_current(self) -> None:
        self.sigAdd.emit(self.current())


def instance(template: Template, item_id: str, position_m) -> object:
    """A fresh rack or unit from a template with its own id and position."""
    item = copy.deepcopy(template.item)
    item.id = item_id
    item.position_m = (float(position_m[0]), float(position_m[1]))
    return item
