"""Tables of the CFD verification dock: per-rack intakes and per-unit returns, fast model vs CFD."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from twin.cfd.verify import TOLERANCE_K

RACK_HEADERS = ("rack", "fast mean °C", "CFD mean °C", "Δ mean K", "fast max °C", "CFD max °C", "Δ max K",
                "Δ upper third K")
UNIT_HEADERS = ("cooling unit", "fast return °C", "CFD return °C", "Δ K")
OUTSIDE = QColor(224, 32, 60, 70)


class NumberItem(QTableWidgetItem):
    """A right-aligned figure shown with fixed decimals that sorts by value ('-' sorts first)."""

    def __init__(self, value, digits: int = 2, sign: bool = False) -> None:
        super().__init__("-" if value is None else f"{float(value):{'+' if sign else ''}.{digits}f}")
        self.value = float("-inf") if value is None else float(value)
        self.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)

    def __lt__(self, other) -> bool:
        return self.value < getattr(other, "value", float("-inf"))


def _cell(value, digits: int = 2, sign: bool = False) -> QTableWidgetItem:
    return NumberItem(value, digits, sign)


def _table(headers) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    return table


class ComparisonTables(QObject):
    """Fills the two tables from twin.cfd.verify.side_by_side (or the CFD result alone)."""

    sigRackSelected = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.racks = _table(RACK_HEADERS)
        self.units = _table(UNIT_HEADERS)
        self.racks.itemSelectionChanged.connect(self._on_select)

    def show(self, table, cfd: dict) -> None:
        """Rows of `table` (fast vs CFD), or the CFD figures alone when `table` is None."""
        if table is None:
            rows = [{"id": rid, "cfd_mean_c": r["inlet_mean_c"], "cfd_max_c": r.get("inlet_max_c")}
                    for rid, r in cfd["racks"].items()]
            units = [{"id": uid, "cfd_return_c": u.get("return_temp_c")}
                     for uid, u in cfd["cooling_units"].items() if u.get("return_temp_c") is not None]
        else:
            rows, units = table["racks"], table["units"]
        self._fill_racks(rows)
        self._fill_units(units)

    def _fill_racks(self, rows) -> None:
        t = self.racks
        t.setSortingEnabled(False)
        t.setRowCount(len(rows))
        for n, r in enumerate(rows):
            cells = [QTableWidgetItem(r["id"]), _cell(r.get("fast_mean_c")), _cell(r.get("cfd_mean_c")),
                     _cell(r.get("delta_mean_k"), sign=True), _cell(r.get("fast_max_c")),
                     _cell(r.get("cfd_max_c")), _cell(r.get("delta_max_k"), sign=True),
                     _cell(r.get("delta_upper_k"), sign=True)]
            outside = r.get("delta_mean_k") is not None and abs(r["delta_mean_k"]) > TOLERANCE_K
            for col, item in enumerate(cells):
                if outside:
                    item.setBackground(QBrush(OUTSIDE))
                t.setItem(n, col, item)
        t.setSortingEnabled(True)
        t.sortItems(0, Qt.AscendingOrder)

    def _fill_units(self, units) -> None:
        t = self.units
        t.setRowCount(len(units))
        for n, u in enumerate(units):
            for col, item in enumerate((QTableWidgetItem(u["id"]), _cell(u.get("fast_return_c")),
                                        _cell(u.get("cfd_return_c")), _cell(u.get("delta_k"), sign=True))):
                t.setItem(n, col, item)

    def _on_select(self) -> None:
        rows = self.racks.selectionModel().selectedRows()
        if rows:
            self.sigRackSelected.emit(self.racks.item(rows[0].row(), 0).text())
