"""The comparison of a scenario with its baseline, as the Scenarios dock shows it.

Verdict first (holds or not, and why, in words), then tabs: per-rack intake
mean and max before, after and the change (sortable; racks newly above the
allowable maximum in bold on red, newly above the recommended maximum on
amber), cooling-unit states and loads, and power, PUE, energy and cost.
Every figure comes from the study's report data (`twin.report`), the same
rows that racks.csv, cooling_units.csv and power.csv hold; nothing is
computed here but differences of two shown numbers.
"""
from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QHeaderView, QLabel, QTableWidget, QTabWidget, QVBoxLayout,
                               QWidget)

from twin.gui.results_panel import SortItem
from twin.report.liquid import rows as liquid_rows
from twin.report.tables import power_rows, rack_rows, unit_rows
from twin.scenario.ridethrough import format_time

RACK_COLUMNS = ("Rack", "Mean °C\nbefore", "Mean °C\nafter", "Δ mean\nK", "Max °C\nbefore",
                "Max °C\nafter", "Δ max\nK", "Status", "To\nallowable")
UNIT_COLUMNS = ("Cooling\nunit", "State\nbefore", "State\nafter", "Load kW\nbefore", "Load kW\nafter",
                "Δ load\nkW", "Return °C\nbefore", "Return °C\nafter")
POWER_COLUMNS = ("", "Before", "After", "Change")
LIQUID_COLUMNS = ("CDU or\nrack", "Load kW\nbefore", "Load kW\nafter", "Supply °C\nbefore",
                  "Supply °C\nafter", "Return °C\nbefore", "Return °C\nafter", "Cooling",
                  "To coolant\nlimit")
POWER_LABELS = {"it_kw": ("IT power (kW)", 1), "cooling_kw": ("Cooling power (kW)", 1),
                "losses_kw": ("Losses (kW)", 1), "facility_kw": ("Facility power (kW)", 1),
                "pue": ("PUE", 3), "annual_facility_mwh": ("Energy per year (MWh)", 0),
                "annual_cost": ("Cost per year", 0), "annual_co2_t": ("CO₂ per year (t)", 1)}
NEW_ALLOWABLE = QColor(230, 60, 60, 120)
NEW_RECOMMENDED = QColor(240, 170, 40, 110)
LIST_MOST = 8                     # rack names in one line of the verdict; the tooltip has all
HOLDS_STYLE = "color: #2a9d4a; font-weight: bold; font-size: 12pt;"
FAILS_STYLE = "color: #e0203c; font-weight: bold; font-size: 12pt;"


def fmt(value, digits: int = 1, sign: bool = False) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{value:+,.{digits}f}" if sign else f"{value:,.{digits}f}"


def _key(value) -> float:
    return float(value) if isinstance(value, (int, float)) and value is not None else math.nan


def _words(text: str) -> str:
    return text.replace(" degC", " °C")


def shorten(text: str, most: int = LIST_MOST) -> str:
    """`prefix: A, B, C, ...` with at most `most` names and a count of the rest."""
    head, sep, tail = text.rpartition(": ")
    names = tail.split(", ")
    if not sep or len(names) <= most:
        return text
    return f"{head}{sep}{', '.join(names[:most])} and {len(names) - most} more"


def _table(columns, sortable: bool = True) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
    table.setSortingEnabled(sortable)
    table.setAlternatingRowColors(True)
    table.setEditTriggers(QTableWidget.NoEditTriggers)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
    return table


def fill(table: QTableWidget, rows: list, shades: dict, tips: dict) -> None:
    """Rows of (text, sort key) cells; row index -> background colour and tooltip."""
    header = table.horizontalHeader()
    sort_col, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
    sorting = table.isSortingEnabled()
    table.setSortingEnabled(False)
    table.clearContents()
    table.setRowCount(len(rows))
    bold = QFont(table.font())
    bold.setBold(True)
    for r, row in enumerate(rows):
        for c, (text, key) in enumerate(row):
            item = SortItem(text, key)
            if c > 0:
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            if r in shades:
                item.setBackground(QBrush(shades[r]))
                item.setFont(bold)
            if r in tips:
                item.setToolTip(tips[r])
            table.setItem(r, c, item)
    table.setSortingEnabled(sorting)
    if sorting:
        table.sortItems(sort_col, order)
    table.resizeColumnsToContents()


class ComparisonView(QWidget):
    """Verdict, summary and the rack, unit and power tables of one study."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.study = None
        self.verdict = QLabel("Run a scenario to compare it with the layout as it is.")
        self.verdict.setObjectName("scenarioVerdict")
        self.verdict.setWordWrap(True)
        self.reasons = QLabel("")
        self.reasons.setObjectName("scenarioReasons")
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.RichText)
        self.summary = QLabel("")
        self.summary.setObjectName("scenarioSummary")
        self.summary.setWordWrap(True)
        self.racks = _table(RACK_COLUMNS)
        self.racks.setObjectName("scenarioRackTable")
        self.racks.sortItems(5, Qt.DescendingOrder)            # hottest after the change first
        self.units = _table(UNIT_COLUMNS)
        self.units.setObjectName("scenarioUnitTable")
        self.power = _table(POWER_COLUMNS, sortable=False)
        self.power.setObjectName("scenarioPowerTable")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.racks, "Racks")
        self.tabs.addTab(self.units, "Cooling units")
        self.tabs.addTab(self.power, "Power and cost")
        self.liquid = _table(LIQUID_COLUMNS)
        self.liquid.setObjectName("scenarioLiquidTable")
        self.liquid_tab = self.tabs.addTab(self.liquid, "Liquid")
        self.tabs.setTabVisible(self.liquid_tab, False)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        for widget in (self.verdict, self.reasons, self.summary):
            box.addWidget(widget)
        box.addWidget(self.tabs, 1)

    def clear(self, text: str = "") -> None:
        self.study = None
        self.verdict.setText(text or "Run a scenario to compare it with the layout as it is.")
        self.verdict.setStyleSheet("")
        self.reasons.setText("")
        self.summary.setText("")
        for table in (self.racks, self.units, self.power, self.liquid):
            table.setRowCount(0)

    def show_study(self, study, solves: int, elapsed_s: float) -> None:
        """Show a finished study (twin.report.Study)."""
        self.study = study
        d = study.data
        v = d["deltas"]["verdict"]
        self.verdict.setText(f"{d['scenario_name']}: the change "
                             + ("holds" if v["holds"] else "does NOT hold"))
        self.verdict.setStyleSheet(HOLDS_STYLE if v["holds"] else FAILS_STYLE)
        lines = [_words(p) for p in v["problems"]] + [_words(w) for w in v["warnings"]]
        items = [f"<li><b>{shorten(p)}</b></li>" for p in lines[:len(v["problems"])]]
        items += [f"<li>{shorten(w)}</li>" for w in lines[len(v["problems"]):]]
        if not items:
            items = ["<li>no rack goes above the allowable intake maximum; power holds</li>"]
        self.reasons.setText("<ul style='margin-left:-20px'>" + "".join(items) + "</ul>")
        self.reasons.setToolTip("\n".join(lines))
        self.summary.setText(self._summary(d, solves, elapsed_s))
        self._racks(d)
        self._units(d)
        self._power(d)
        self._liquid(d)

    @staticmethod
    def _summary(d: dict, solves: int, elapsed_s: float) -> str:
        deltas, p = d["deltas"], d["deltas"].get("power", {})
        parts = []
        if deltas.get("max_inlet_rise_k") is not None:
            parts.append(f"intake max change {fmt(deltas['min_inlet_rise_k'], 1, True)} to "
                         f"{fmt(deltas['max_inlet_rise_k'], 1, True)} K")
        pue = p.get("pue") or {}
        if pue.get("base") is not None:
            parts.append(f"PUE {fmt(pue['base'], 3)} → {fmt(pue['scenario'], 3)}")
        cost = p.get("annual_cost") or {}
        if cost.get("delta") is not None:
            parts.append(f"cost {fmt(cost['delta'], 0, True)} {p.get('currency') or ''} per year".replace("  ", " "))
        cached = "all from the cache" if solves == 0 else f"{solves} solved"
        parts.append(f"{d['model']} model, {d['cell_m']:g} m grid, {cached}, {elapsed_s:.1f} s")
        return " · ".join(parts)

    def _racks(self, d: dict) -> None:
        deltas = d["deltas"]
        new_rec, new_allow = set(deltas["newly_above_recommended"]), set(deltas["newly_above_allowable"])
        above = set(deltas["above_allowable"])
        rows, shades, tips = [], {}, {}
        for r, row in enumerate(rack_rows(d)):
            rid = row["rack_id"]
            mean_delta = deltas["racks"].get(rid, {}).get("inlet_mean_delta_k")
            status = ("added" if rid in deltas["added_racks"] else
                      "removed" if rid in deltas["removed_racks"] else
                      "newly above allowable" if rid in new_allow else
                      "above allowable" if rid in above else
                      "newly above recommended" if rid in new_rec else
                      "above recommended" if row["above_recommended"] else "ok")
            if rid in new_allow:
                shades[r], tips[r] = NEW_ALLOWABLE, "newly above the ASHRAE allowable intake maximum"
            elif rid in new_rec:
                shades[r], tips[r] = NEW_RECOMMENDED, "newly above the ASHRAE recommended intake maximum"
            ride = row["time_to_allowable_s"]
            has_ride = d.get("ride_through") is not None and rid in d["ride_through"]["time_to_allowable_s"]
            rows.append([(rid, rid)]
                        + [(fmt(row[k], 1), _key(row[k])) for k in ("base_inlet_mean_c", "scenario_inlet_mean_c")]
                        + [(fmt(mean_delta, 1, True), _key(mean_delta))]
                        + [(fmt(row[k], 1), _key(row[k])) for k in ("base_inlet_max_c", "scenario_inlet_max_c")]
                        + [(fmt(row["inlet_max_delta_k"], 1, True), _key(row["inlet_max_delta_k"])),
                           (status, status),
                           (format_time(ride) if has_ride else "—",
                            _key(ride) if has_ride and ride is not None else math.inf if has_ride else math.nan)])
        fill(self.racks, rows, shades, tips)

    def _units(self, d: dict) -> None:
        rows, shades = [], {}
        for r, u in enumerate(unit_rows(d)):
            if u["base_state"] != u["scenario_state"]:
                shades[r] = NEW_RECOMMENDED
            rows.append([(u["unit_id"], u["unit_id"]), (u["base_state"] or "—", u["base_state"] or ""),
                         (u["scenario_state"] or "—", u["scenario_state"] or "")]
                        + [(fmt(u[k], 1, k == "load_delta_kw"), _key(u[k]))
                           for k in ("base_load_kw", "scenario_load_kw", "load_delta_kw",
                                     "base_return_temp_c", "scenario_return_temp_c")])
        fill(self.units, rows, shades, {})

    def _power(self, d: dict) -> None:
        currency = d["deltas"].get("power", {}).get("currency") or ""
        rows = []
        for p in power_rows(d):
            item = p["item"]
            if item in POWER_LABELS:
                label, digits = POWER_LABELS[item]
                if item == "annual_cost" and currency:
                    label = f"Cost per year ({currency})"
            else:
                label, digits = item.replace(" utilization_pct", " load (% of rating)"), 1
            rows.append([(label, label), (fmt(p["base"], digits), _key(p["base"])),
                         (fmt(p["scenario"], digits), _key(p["scenario"])),
                         (fmt(p["delta"], digits, True), _key(p["delta"]))])
        fill(self.power, rows, {}, {})

    def _liquid(self, d: dict) -> None:
        """CDU loads and rack coolant before and after; racks that lose cooling in bold on red
        with the time until their coolant passes the limit (liquid.csv's rows)."""
        self.tabs.setTabVisible(self.liquid_tab, bool(d.get("liquid")))
        rows, shades, tips = [], {}, {}
        for r, row in enumerate(liquid_rows(d)):
            seconds = row.get("seconds_to_limit")
            failed = row["kind"] == "cdu" and row.get("scenario_supply_c") is None
            if row["kind"] == "rack":
                status = "lost" if row.get("over_limit") or seconds is not None else "ok"
            else:
                status = "failed" if failed else "over capacity" if row.get("over_limit") else "ok"
            if status != "ok":
                shades[r], tips[r] = NEW_ALLOWABLE, f"{row['id']}: {status}"
            rows.append([(row["id"], row["id"])]
                        + [(fmt(row.get(k), 1), _key(row.get(k)))
                           for k in ("base_load_kw", "scenario_load_kw", "base_supply_c",
                                     "scenario_supply_c", "base_return_c", "scenario_return_c")]
                        + [(status, status),
                           (format_time(seconds) if seconds is not None else "—", _key(seconds))])
        fill(self.liquid, rows, shades, tips)
