"""Main-window behaviour for the format-2 air-side objects: adding them from the palette,
Edit › Contain Hot/Cold Aisle, deleting and nudging them, and the warnings that stay in the
status bar (the model's warnings and a solve the solvers refused, such as a sealed aisle
whose flows do not balance). Every change is one command on the document.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from twin import commands, object_edits
from twin.aisles import contain_aisle
from twin.commands import CommandError
from twin.gui.object_templates import ObjectTemplate
from twin.gui.palette_panel import instance
from twin.inrow_snap import nearest_spot
from twin.model import LayoutError, validate_layout

WARNING_STYLE = "color: #b06000; font-weight: bold;"
SHOWN_CHARS = 90          # the status bar shows this much of the first warning; the tooltip all


class Format2Ops(QObject):
    """Adds, contains, deletes and nudges format-2 objects; keeps the warnings label current."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.solve_problem = ""
        self.warnings = QLabel("")
        self.warnings.setObjectName("warningsLabel")
        self.warnings.setStyleSheet(WARNING_STYLE)
        self.warnings.setVisible(False)
        window.statusBar().addPermanentWidget(self.warnings)
        self.contain_hot = QAction("Contain as &Hot Aisle", window)
        self.contain_cold = QAction("Contain as C&old Aisle", window)
        for action, kind in ((self.contain_hot, "hot"), (self.contain_cold, "cold")):
            action.setStatusTip(f"Enclose the aisle the selected racks border as a {kind} aisle "
                                "(roof and end doors)")
            action.triggered.connect(lambda _checked=False, k=kind: self.contain(k))
        edit = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
        edit.insertActions(window.acts.delete, [self.contain_hot, self.contain_cold])
        edit.insertSeparator(window.acts.delete)
        window.floor.sigCommand.connect(window.document.execute)
        d = window.document
        d.sigChanged.connect(lambda *_: self._refresh())
        d.sigReplaced.connect(self._refresh)
        d.sigChanged.connect(lambda *_: window.section.set_layout(d.layout))
        d.sigChanged.connect(self._follow_rename)
        d.sigReplaced.connect(lambda: window.section.set_layout(d.layout))
        window.section.set_layout(d.layout)
        window.solver.sigFinished.connect(self._on_solve_finished)
        window.solver.sigUpdate.connect(self._on_solve_update)
        self._refresh()

    @property
    def layout(self):
        return self.window.document.layout

    # -- adding -------------------------------------------------------------------------
    @staticmethod
    def handles(template) -> bool:
        """True for the palette entries this class adds (objects and in-row units)."""
        return isinstance(template, ObjectTemplate) or getattr(template.item, "inrow", False)

    def add(self, template, at_m, dropped: bool) -> Optional[str]:
        """Add a palette entry at a point: objects centred on it; an in-row unit in the nearest
        row spot when one is near, else on the free tile position nearest the point."""
        layout = self.layout
        if isinstance(template, ObjectTemplate):
            obj = template.build(layout, self._free_spot(template, at_m) if not dropped else at_m)
            ok = self.window.document.execute(object_edits.AddObject(obj))
            return self._added(obj.id, ok)
        item_id = commands.unique_id(layout, template.id_prefix)
        size = template.item.size_m
        corner = (at_m[0] - size[0] / 2, at_m[1] - size[1] / 2)
        unit = instance(template, item_id, corner)
        spot = nearest_spot(layout, unit, corner)
        if spot is not None:
            unit.position_m, unit.facing, unit.size_m = spot
        else:
            free = (commands.snap_position(layout, size, corner) if dropped else
                    commands.free_position(layout, size, at_m, item_id))
            if free is None:
                self.window.show_message(f"no free space for a {size[0]:g} x {size[1]:g} m "
                                         "footprint", True)
                return None
            unit.position_m = free
        return self._added(item_id, self.window.document.execute(commands.AddItem(unit)))

    def _free_spot(self, template: ObjectTemplate, at_m) -> tuple[float, float]:
        """Where "Add to floor" centres an object: a floor-standing obstacle on the free tile
        position nearest at_m (clear of racks and units), anything else at at_m."""
        room_z = self.layout.room.size_m[2]
        if template.kind != "obstacle" or template.z_m(room_z)[0] > 0:
            return at_m
        size = template.size_m
        free = commands.free_position(self.layout, size, at_m)
        return at_m if free is None else (free[0] + size[0] / 2, free[1] + size[1] / 2)

    def _added(self, item_id: str, ok: bool) -> Optional[str]:
        if ok:
            self.window.floor.select(item_id)
        return item_id if ok else None

    # -- editing ------------------------------------------------------------------------
    def contain(self, kind: str) -> Optional[str]:
        """One containment over the aisle the selected racks border (one undo step)."""
        try:
            command = contain_aisle(self.layout, list(self.window.floor.selection), kind)
        except CommandError as exc:
            self.window.show_message(str(exc), True)
            return None
        return self._added(command.obj.id, self.window.document.execute(command))

    def _follow_rename(self, event: str, command) -> None:
        """A renamed object stays selected under its new (or, undone, its old) id."""
        if isinstance(command, object_edits.SetObject) and "id" in command.changes:
            self.window.floor.select(command.item_id if event == "undo" else command.changes["id"])

    def delete(self, obj_id: str) -> bool:
        ok = self.window.document.execute(object_edits.delete_object(self.layout, obj_id))
        if ok:
            self.window.floor.select("")
        return ok

    def nudge(self, obj_id: str, east: int, north: int) -> None:
        """Move an object by whole tiles; a run of nudges is one undo step."""
        x0, y0, _, _ = object_edits.footprint_m(object_edits.find_object(self.layout, obj_id)[1])
        tile = self.layout.room.tile_m
        self.window.document.execute(object_edits.move_object(
            self.layout, obj_id, (x0 + east * tile, y0 + north * tile), merge_id=f"nudge {obj_id}"))

    # -- warnings -----------------------------------------------------------------------
    def _refresh(self) -> None:
        """Show the layout's current warnings (and a refused solve) until they go away."""
        try:
            found = [f"{w.field}: {w.message}" if w.field else w.message
                     for w in validate_layout(self.layout)]
        except LayoutError as exc:          # a layout opened with errors is refused before this
            found = [str(exc)]
        if self.solve_problem:
            found.insert(0, f"cannot solve: {self.solve_problem}")
        first = found[0] if found else ""
        if len(first) > SHOWN_CHARS:
            first = first[:SHOWN_CHARS - 1] + "…"
        count = f"{len(found)} warnings" if len(found) > 1 else "warning"
        self.warnings.setText(f"⚠ {count}: {first}" if found else "")
        self.warnings.setToolTip("\n".join(found))
        self.warnings.setVisible(bool(found))

    def _on_solve_finished(self, outcome: str, message: str) -> None:
        if outcome == "failed":
            self.solve_problem = message
            self._refresh()

    def _on_solve_update(self, update) -> None:
        if self.solve_problem and update.phase == "final":
            self.solve_problem = ""
            self._refresh()


def attach_format2(window) -> Format2Ops:
    return Format2Ops(window)
