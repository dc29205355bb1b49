"""Selecting and dragging on the floor plan: one item or several, by click, Ctrl/Shift+click
or rubber band; a drag of a selected item moves the whole selection by one snapped step.

A mixin of FloorView (it uses the view's items, layout and signals); the view only
reports requests (sigMoveRequested, sigGroupMoveRequested), it never edits the layout.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QRectF, Qt

from twin import commands, group_edits


class SelectionMixin:
    """Selection state and drag handling for FloorView."""

    def select(self, item_id: str) -> None:
        self.select_many([item_id] if item_id else [])

    def select_many(self, ids: list[str]) -> None:
        """Select these items (none, one or several); the inspector shows a single one."""
        ids = list(dict.fromkeys(ids))
        if ids == self.selection:
            return
        one = ids[0] if len(ids) == 1 else ""
        self.selection = ids
        self._restyle()
        if one != self.selected:
            self.selected = one
            self.sigSelected.emit(one)
        self.sigSelectionChanged.emit(list(ids))

    def item_clicked(self, item_id: str, adding: bool = False) -> None:
        """A click selects one item; with Ctrl or Shift it adds it to (or takes it from) the selection."""
        kept = [i for i in self.selection if i in self.items]     # objects are selected alone
        if not adding:
            self.select(item_id)
        elif item_id in kept:
            self.select_many([i for i in kept if i != item_id])
        else:
            self.select_many(kept + [item_id])

    def band_selected(self, rect: QRectF, adding: bool) -> None:
        """Select the items a rubber band touches (added to the selection with Ctrl or Shift)."""
        hit = [item_id for item_id, item in self.items.items()
               if rect.intersects(QRectF(item.pos().x(), item.pos().y(), *item.size_m))]
        kept = [i for i in self.selection if i in self.items] if adding else []
        self.select_many(kept + hit)

    def _on_scene_clicked(self, ev) -> None:
        if not ev.isAccepted() and ev.button() == Qt.LeftButton:
            self.select("")

    def drag_started(self, item_id: str) -> None:
        self._dragging = item_id
        if item_id in self.selection and len(self.selection) > 1:
            self._group_from = {i: self.items[i].pos().toTuple() for i in self.selection}
        else:
            self.select(item_id)

    def _snapped(self, item_id: str, corner_m) -> tuple[tuple[float, float], Optional[str]]:
        spot = self.format2.inrow_spot(item_id, corner_m)
        if spot is not None:                   # an in-row unit near a row takes its place there
            self.format2.preview_inrow(item_id, spot)
            return spot[0], None
        self.format2.reset_preview(item_id)
        size = self.items[item_id].size_m
        pos = commands.snap_position(self.layout, size, corner_m)
        return pos, commands.placement_problem(self.layout, item_id, size, pos)

    def _group_corners(self, item_id: str, corner_m) -> dict[str, tuple[float, float]]:
        """Where a group drag puts every member: all moved by the dragged item's snapped step."""
        pos = commands.snap_position(self.layout, self.items[item_id].size_m, corner_m)
        x0, y0 = self._group_from[item_id]
        dx, dy = pos[0] - x0, pos[1] - y0
        return {i: (round(x + dx, commands.ROUND_DIGITS) + 0.0, round(y + dy, commands.ROUND_DIGITS) + 0.0)
                for i, (x, y) in self._group_from.items()}

    def _group_moved(self, item_id: str, corner_m) -> None:
        moved = self._group_corners(item_id, corner_m)
        problem = group_edits.group_problem(self.layout, moved)
        for i, pos in moved.items():
            self.items[i].setPos(*pos)
            self.items[i].set_flags(True, problem)
        dx = moved[item_id][0] - self._group_from[item_id][0]
        dy = moved[item_id][1] - self._group_from[item_id][1]
        self.sigHint.emit(f"cannot place here: {problem}" if problem else
                          f"{len(moved)} items by x {dx:+.2f} m, y {dy:+.2f} m")

    def _group_finished(self, item_id: str, corner_m) -> None:
        moved = self._group_corners(item_id, corner_m)
        start, self._group_from, self._dragging = self._group_from, {}, None
        self.sigHint.emit("")
        if moved != start:
            self.sigGroupMoveRequested.emit(moved)
        self.sync()

    def drag_moved(self, item_id: str, corner_m) -> None:
        if self._group_from:
            self._group_moved(item_id, corner_m)
            return
        pos, problem = self._snapped(item_id, corner_m)
        item = self.items[item_id]
        item.setPos(*pos)
        item.set_flags(True, problem)
        self.sigHint.emit(f"cannot place here: {problem}" if problem else
                          f"{item_id} to x {pos[0]:g} m, y {pos[1]:g} m")

    def drag_finished(self, item_id: str, corner_m) -> None:
        if self._group_from:
            self._group_finished(item_id, corner_m)
            return
        pos, _ = self._snapped(item_id, corner_m)
        self._dragging = None
        self.items[item_id].set_flags(True, None)
        self.sigHint.emit("")
        spot = self.format2.inrow_spot(item_id, corner_m)
        _, obj, _ = commands.find_item(self.layout, item_id)
        if spot is not None:
            self.format2.place_inrow(item_id, spot)
        elif tuple(pos) != tuple(obj.position_m):
            self.sigMoveRequested.emit(item_id, pos[0], pos[1])
        self.sync()
