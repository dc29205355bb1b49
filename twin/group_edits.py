"""Edits of several racks and cooling units at once, each one undo step (Qt-free).

Moving a selection, deleting it, and pasting or duplicating copies with fresh
ids where every copy stands clear of the room's walls and equipment. The
parts are applied together and the layout is checked once, so a row can
shift onto the tiles its own members just left.
"""
from __future__ import annotations

import copy
import re
from typing import Iterable, Optional

from twin import commands
from twin.commands import AddItem, Command, CommandError, DeleteItem, Item
from twin.model import Layout

LABEL_IDS = 3        # a label names at most this many items, then counts them


class Group(Command):
    """Several commands applied as one edit and one undo step."""

    item_id = ""     # a refusal names the items in its message, not one item

    def __init__(self, parts: list[Command], label: str):
        super().__init__()
        self.parts = list(parts)
        self.label = label

    def redo(self, layout: Layout) -> None:
        for part in self.parts:
            part.redo(layout)

    def undo(self, layout: Layout) -> None:
        for part in reversed(self.parts):
            part.undo(layout)


def label(verb: str, ids: list[str]) -> str:
    """'move A1, A2' or 'move 7 items'."""
    if len(ids) <= LABEL_IDS:
        return f"{verb} {', '.join(ids)}"
    return f"{verb} {len(ids)} items"


def _footprints(layout: Layout, ids: Iterable[str]) -> list[Item]:
    return [commands.find_item(layout, item_id)[1] for item_id in ids]


def group_problem(layout: Layout, moved: dict[str, tuple[float, float]]) -> Optional[str]:
    """Why items cannot stand at these south-west corners (outside, on other equipment), or None."""
    lx, ly = layout.room.size_m[:2]
    eps = 1e-6
    boxes = []
    for item_id, (x, y) in moved.items():
        _, obj, _ = commands.find_item(layout, item_id)
        boxes.append((item_id, x, y, x + obj.size_m[0], y + obj.size_m[1]))
    for item_id, x0, y0, x1, y1 in boxes:
        if x0 < -eps or y0 < -eps or x1 > lx + eps or y1 > ly + eps:
            return f"{item_id} would stand outside the room ({lx:g} x {ly:g} m)"
        for other in (*layout.cooling_units, *layout.racks):
            if other.id in moved:
                continue
            (ox, oy), (sx, sy) = other.position_m, other.size_m[:2]
            if min(x1, ox + sx) - max(x0, ox) > eps and min(y1, oy + sy) - max(y0, oy) > eps:
                return f"{item_id} would overlap {other.id}"
    return None


def move_group(layout: Layout, moved: dict[str, tuple[float, float]]) -> Command:
    """Move several items to new south-west corners as one step; refused with a reason if
    any would leave the room or land on equipment outside the group."""
    bad = group_problem(layout, moved)
    ids = list(moved)
    if bad:
        raise CommandError(f"{label('move', ids)} refused: {bad}")
    parts = [commands.move(layout, item_id, pos) for item_id, pos in moved.items()]
    return parts[0] if len(parts) == 1 else Group(parts, label("move", ids))


def delete_group(layout: Layout, ids: list[str]) -> Command:
    """Delete several items as one step."""
    _footprints(layout, ids)
    parts = [DeleteItem(item_id) for item_id in ids]
    return parts[0] if len(parts) == 1 else Group(parts, label("delete", ids))


def copy_items(layout: Layout, ids: Iterable[str]) -> list[Item]:
    """Independent copies of racks and cooling units (for the clipboard)."""
    return [copy.deepcopy(obj) for obj in _footprints(layout, ids)]


def _fresh_ids(layout: Layout, items: list[Item]) -> list[str]:
    """A new id per item: its prefix (`A` of `A12`, `CRAH-` of `CRAH-1`) and the next free number."""
    used = {r.id for r in layout.racks} | {u.id for u in layout.cooling_units}
    out = []
    for item in items:
        prefix = re.sub(r"\d+$", "", item.id)
        prefix = prefix if prefix != item.id else f"{item.id}-"
        n = 1
        while f"{prefix}{n}" in used:
            n += 1
        used.add(f"{prefix}{n}")
        out.append(f"{prefix}{n}")
    return out


def paste(layout: Layout, items: list[Item], verb: str = "paste") -> Group:
    """Add copies of `items` with fresh ids, kept in their arrangement and moved by the
    smallest whole-tile offset at which every copy stands clear; refused if none exists."""
    if not items:
        raise CommandError(f"{verb} refused: nothing to {verb}")
    ids = _fresh_ids(layout, items)
    tile = layout.room.tile_m
    lx, ly = layout.room.size_m[:2]
    reach = int(max(lx, ly) / tile) + 1
    for n in range(reach + 1):
        for i, j in commands._ring(n):
            dx, dy = i * tile, j * tile
            spots = {new_id: (round(item.position_m[0] + dx, commands.ROUND_DIGITS) + 0.0,
                              round(item.position_m[1] + dy, commands.ROUND_DIGITS) + 0.0)
                     for new_id, item in zip(ids, items)}
            if _fits(layout, items, spots):
                return Group([AddItem(_renamed(item, new_id, spots[new_id]))
                              for new_id, item in zip(ids, items)], label(verb, ids))
    what = f"{len(items)} items" if len(items) > 1 else items[0].id
    raise CommandError(f"{verb} refused: no free space in the room for a copy of {what}")


def _renamed(item: Item, new_id: str, position_m: tuple[float, float]) -> Item:
    out = copy.deepcopy(item)
    out.id, out.position_m = new_id, position_m
    return out


def _fits(layout: Layout, items: list[Item], spots: dict[str, tuple[float, float]]) -> bool:
    for (new_id, pos), item in zip(spots.items(), items):
        if commands.placement_problem(layout, new_id, item.size_m, pos) is not None:
            return False
    return True

