"""Shortcuts that fire exactly one action, multi-select, group drag, copy/paste/duplicate."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from PySide6.QtGui import QKeySequence

from mouse import click, drag
from twin import commands as C
from twin.gui.actions import key_sequences


def centre(obj):
    return (obj.position_m[0] + obj.size_m[0] / 2, obj.position_m[1] + obj.size_m[1] / 2)


def test_no_key_is_bound_twice(window):
    seen = {}
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            assert key.toString() not in seen, (key.toString(), action.text(), seen.get(key.toString()))
            seen[key.toString()] = action.text()
    assert key_sequences([QKeySequence.SaveAs, "Ctrl+Shift+S"])[0] == QKeySequence("Ctrl+Shift+S")
    assert len([k for k in key_sequences([QKeySequence.SaveAs, "Ctrl+Shift+S"])
                if k == QKeySequence("Ctrl+Shift+S")]) == 1


@pytest.mark.parametrize("name, key, modifiers", [
    ("save_as", Qt.Key_S, Qt.ControlModifier | Qt.ShiftModifier),
    ("redo", Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier),
    ("redo", Qt.Key_Y, Qt.ControlModifier),
    ("duplicate", Qt.Key_D, Qt.ControlModifier),
    ("select_all", Qt.Key_A, Qt.ControlModifier),
])
def test_each_shortcut_triggers_its_action_once(window, qtbot, name, key, modifiers):
    window.files.ask_save_path = lambda: None                  # Save As: the dialog is cancelled
    window.document.execute(C.set_fields(window.document.layout, "A1", power_kw=6))
    window.document.undo()                                    # so Redo is enabled
    fired = []
    for action in window.findChildren(QAction):
        action.triggered.connect(lambda checked=False, a=action: fired.append(a))
    qtbot.keyClick(window, key, modifiers)
    assert fired == [getattr(window.acts, name)]


def test_save_as_shortcut_opens_the_save_dialog(window, qtbot, tmp_path):
    asked = []
    window.files.ask_save_path = lambda: asked.append(True) or str(tmp_path / "as.yaml")
    qtbot.keyClick(window, Qt.Key_S, Qt.ControlModifier | Qt.ShiftModifier)
    assert asked == [True] and (tmp_path / "as.yaml").is_file()


def test_rubber_band_and_ctrl_click_select_several(window):
    floor, layout = window.floor, window.document.layout
    drag(floor, (2.2, 0.9), (4.5, 2.0))                       # around row A (y 1.2-2.4)
    assert sorted(floor.selection) == ["A1", "A2", "A3"] and floor.selected == ""
    assert window.inspector.item_id in ("", None)
    click(floor, centre(layout.rack("B2")), Qt.ControlModifier)
    assert sorted(floor.selection) == ["A1", "A2", "A3", "B2"]
    click(floor, centre(layout.rack("A2")), Qt.ControlModifier)
    assert sorted(floor.selection) == ["A1", "A3", "B2"]
    assert all(floor.items[i].selected for i in ("A1", "A3", "B2")) and not floor.items["A2"].selected
    click(floor, centre(layout.rack("B1")))
    assert floor.selection == ["B1"] and floor.selected == "B1"


def test_group_drag_moves_all_as_one_undo_step(window, qtbot):
    floor, layout, stack = window.floor, window.document.layout, window.document.stack
    floor.select_many(["A1", "A2", "A3"])
    x, y = centre(layout.rack("A2"))
    drag(floor, (x, y), (x - 0.6, y - 0.6), steps=8)
    assert [layout.rack(r).position_m for r in ("A1", "A2", "A3")] == [(1.8, 0.6), (2.4, 0.6), (3.0, 0.6)]
    assert len(stack) == 1 and stack.undo_label() == "move A1, A2, A3"
    assert floor.items["A1"].pos().toTuple() == (1.8, 0.6)
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert [layout.rack(r).position_m for r in ("A1", "A2", "A3")] == [(2.4, 1.2), (3.0, 1.2), (3.6, 1.2)]
    # onto row B: refused as a whole, nothing moves
    drag(floor, (x, y), (x, y + 2.4), steps=8)
    assert layout.rack("A2").position_m == (3.0, 1.2) and len(stack) == 0
    assert "would overlap B" in window.statusBar().currentMessage()
    assert floor.items["A2"].pos().toTuple() == (3.0, 1.2)


def test_copy_paste_and_duplicate_add_fresh_ids_clear_of_everything(window, qtbot):
    floor, layout, stack = window.floor, window.document.layout, window.document.stack
    floor.select_many(["B1", "B2"])
    qtbot.keyClick(window, Qt.Key_C, Qt.ControlModifier)
    qtbot.keyClick(window, Qt.Key_V, Qt.ControlModifier)
    assert floor.selection == ["B4", "B5"] and len(stack) == 1 and stack.undo_label() == "paste B4, B5"
    b4, b5 = layout.rack("B4"), layout.rack("B5")
    assert (b5.position_m[0] - b4.position_m[0], b5.position_m[1] - b4.position_m[1]) == pytest.approx((0.6, 0))
    for rack in (b4, b5):
        others = [r for r in layout.racks + layout.cooling_units if r.id != rack.id]
        assert all(not _overlap(rack, o) for o in others)
    qtbot.keyClick(window, Qt.Key_D, Qt.ControlModifier)       # duplicate the pasted pair
    assert floor.selection == ["B6", "B7"] and len(stack) == 2
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert [r.id for r in layout.racks][-2:] == ["B4", "B5"]
    floor.select_many(["B4", "B5"])
    qtbot.keyClick(window, Qt.Key_Delete)
    assert len(layout.racks) == 6 and stack.undo_label() == "delete B4, B5"


def _overlap(a, b):
    (ax, ay), (bx, by) = a.position_m, b.position_m
    return (min(ax + a.size_m[0], bx + b.size_m[0]) - max(ax, bx) > 1e-6 and
            min(ay + a.size_m[1], by + b.size_m[1]) - max(ay, by) > 1e-6)
