"""The selected rack's cords and equipment; equipment edits become undoable commands.

Model (from the catalog), count and utilisation of each entry are edited in
place; every change goes through `document.execute`, so the rack's power
follows (`refresh_rack_power`) and Ctrl+Z undoes it.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QSpinBox, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from twin import commands
from twin.model.catalog import equipment_types
from twin.model.equipment import item_power

COLUMNS = ("Model", "From U", "Count", "Utilisation (%)", "Power (kW)")
MAX_COUNT = 48


def _utilisation(text: str) -> Optional[float]:
    """Empty text means typical power (None); else a number, ValueError if not."""
    text = text.strip().replace(",", ".")
    if not text or text.lower() == "typical":
        return None
    return float(text)


class RackPowerEditor(QWidget):
    """Cords (PDUs and their sides) and the equipment table of one rack."""

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        self.rack_id = ""
        self.title = QLabel("Select a rack on the floor plan to see its cords and equipment.")
        self.title.setObjectName("rackPowerTitle")
        self.title.setWordWrap(True)
        self.cords = QLabel("")
        self.cords.setObjectName("rackCords")
        self.cords.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("equipmentTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.add_model = QComboBox()
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self._add)
        self.remove_button = QPushButton("Remove selected")
        self.remove_button.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        for widget in (self.add_model, self.add_button, self.remove_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title, self.cords, self.table):
            box.addWidget(widget)
        box.addLayout(buttons)

    @property
    def layout_(self):
        return self.document.layout

    # -- showing ------------------------------------------------------------------
    def show_rack(self, rack_id: str, result=None) -> None:
        """Show a rack's cords (from a PowerResult) and equipment; "" or a unit clears it."""
        try:
            kind, rack, _ = commands.find_item(self.layout_, rack_id)
        except commands.CommandError:
            kind, rack = "", None
        self.rack_id = rack_id if kind == "rack" else ""
        for widget in (self.table, self.add_model, self.add_button, self.remove_button):
            widget.setEnabled(bool(self.rack_id))
        if not self.rack_id:
            self.title.setText("Select a rack on the floor plan to see its cords and equipment.")
            self.cords.setText("")
            self.table.setRowCount(0)
            return
        load = result.racks.get(rack.id) if result is not None else None
        electrical = load.it_kw if load is not None else rack.power_kw
        self.title.setText(f"<b>Rack {rack.id}</b>: {electrical:.2f} kW electrical, "
                           f"{rack.power_kw:.2f} kW into the air")
        self.cords.setText(self._cords_text(load, result))
        self._fill(rack)

    @staticmethod
    def _cords_text(load, result) -> str:
        if load is None or not load.pdus:
            return "Cords: none (no power connection)"
        parts = []
        for pdu in load.pdus:
            side = result.components[pdu].feed if pdu in result.components else None
            parts.append(f"{pdu} (side {side})" if side else pdu)
        return f"Cords: {', '.join(parts)}" + ("" if len(load.pdus) > 1 else "; single-corded")

    def _fill(self, rack) -> None:
        types = equipment_types(self.layout_)
        models = sorted(types)
        if self.add_model.count() != len(models):
            self.add_model.clear()
            self.add_model.addItems(models)
        rebuild = self.table.rowCount() != len(rack.equipment)
        self.table.setRowCount(len(rack.equipment))
        for row, item in enumerate(rack.equipment):
            if rebuild or self.table.cellWidget(row, 0) is None:
                self._make_row(row, models)
            self._show_row(row, item, types)

    def _make_row(self, row: int, models: list[str]) -> None:
        model = QComboBox()
        model.addItems(models)
        model.activated.connect(lambda _i, r=row, w=model: self._edit(r, model=w.currentText()))
        count = QSpinBox()
        count.setRange(1, MAX_COUNT)
        count.setKeyboardTracking(False)
        count.valueChanged.connect(lambda value, r=row: self._edit(r, count=value))
        util = QLineEdit()
        util.setPlaceholderText("typical")
        util.editingFinished.connect(lambda r=row, w=util: self._edit_utilisation(r, w))
        for col, widget in ((0, model), (2, count), (3, util)):
            self.table.setCellWidget(row, col, widget)
        for col in (1, 4):
            cell = QTableWidgetItem("")
            cell.setFlags(Qt.ItemIsSelectable | Qt.ItemIsEnabled)
            self.table.setItem(row, col, cell)

    def _show_row(self, row: int, item, types) -> None:
        widgets = [self.table.cellWidget(row, c) for c in (0, 2, 3)]
        for widget in widgets:
            widget.blockSignals(True)
        widgets[0].setCurrentText(item.model)
        widgets[1].setValue(item.units)
        widgets[2].setText("" if item.utilization_pct is None else f"{item.utilization_pct:g}")
        widgets[2].setModified(False)
        for widget in widgets:
            widget.blockSignals(False)
        self.table.item(row, 1).setText(f"{item.position_u:g}")
        kind = types.get(item.model)
        self.table.item(row, 4).setText("—" if kind is None else f"{item_power(item, kind).it_kw:.2f}")

    def count_box(self, row: int) -> QSpinBox:
        return self.table.cellWidget(row, 2)

    # -- editing ------------------------------------------------------------------
    def _execute(self, build) -> None:
        try:
            command = build()
        except commands.CommandError as exc:
            self.document.sigRefused.emit(self.rack_id, str(exc))
            return
        self.document.execute(command)

    def _edit(self, row: int, **changes) -> None:
        if self.rack_id:
            self._execute(lambda: commands.edit_equipment(self.layout_, self.rack_id, row, **changes))

    def _edit_utilisation(self, row: int, field: QLineEdit) -> None:
        if not field.isModified():
            return
        field.setModified(False)
        try:
            value = _utilisation(field.text())
        except ValueError:
            self.document.sigRefused.emit(self.rack_id, f"not a number: {field.text()!r}")
            return
        self._edit(row, utilization_pct=value)

    def _add(self) -> None:
        """Mount one unit of the chosen model just above the highest equipment."""
        rack = self.layout_.rack(self.rack_id)
        types = equipment_types(self.layout_)
        top = max((e.position_u + types[e.model].u_height * e.units for e in rack.equipment
                   if e.model in types), default=1)
        top = int(top) if float(top).is_integer() else top
        self._execute(lambda: commands.add_equipment(self.layout_, self.rack_id,
                                                     self.add_model.currentText(), top))

    def _remove(self) -> None:
        row = self.table.currentRow()
        if self.rack_id and row >= 0:
            self._execute(lambda: commands.remove_equipment(self.layout_, self.rack_id, row))
