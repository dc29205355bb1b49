"""What the window shows fits: dock tab titles, results columns, the section spans the room."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabBar

from twin.gui.palette_panel import TEMPLATES, tooltip


def test_dock_tab_titles_are_never_cut(window):
    bars = [b for b in window.findChildren(QTabBar) if b.parent() is window and b.count()]
    assert bars
    for bar in bars:
        assert bar.elideMode() == Qt.ElideNone
        for i in range(bar.count()):
            assert bar.tabRect(i).width() >= bar.fontMetrics().horizontalAdvance(bar.tabText(i))
    titles = {bar.tabText(i) for bar in bars for i in range(bar.count())}
    assert {"Results", "Power", "Scenarios", "CFD check", "Ride-through", "Placement"} <= titles


def test_results_columns_fit_the_dock(window, qtbot):
    window.docks["results"].raise_()
    table = window.results.racks
    qtbot.waitUntil(lambda: table.isVisible() and table.rowCount() == 6)
    header = table.horizontalHeader()
    total = sum(header.sectionSize(c) for c in range(table.columnCount()))
    assert total <= table.viewport().width() and table.horizontalScrollBar().maximum() == 0
    assert table.horizontalHeaderItem(1).toolTip() == "mean air temperature over the rack's front face"


def test_the_section_spans_the_room_wall_to_wall(window):
    x_range, z_range = window.section.plot.vb.viewRange()
    assert x_range == pytest.approx([0.0, 6.0]) and z_range == pytest.approx([0.0, 3.0])
    window.section.axis.setCurrentIndex(1)                       # south-north: the y length
    assert window.section.plot.vb.viewRange()[0] == pytest.approx([0.0, 6.0])


def test_palette_entries_explain_themselves():
    rack, gpu, storage, unit, inrow, column, beam, wall, aisle, sensor = (tooltip(t) for t in TEMPLATES)
    assert "heat 10 kW into the air" in rack and "air warms 12 K through it: 0.70 m³/s" in rack
    assert "1.67 m³/s" in gpu                      # 40 kW / (1.19 kg/m³ x 1006 J/kgK x 20 K)
    assert "supplies 4 m³/s at 18 °C" in unit and "CRAH-1" in unit
    assert "blows 2.3 m³/s at 20 °C out of its front" in inrow and "snaps into a rack row" in inrow
    assert "floor to the ceiling" in column and "0.3 m below the ceiling" in beam
    assert "column-1" in column and "HAC-1" in aisle and "after each solve" in sensor
