"""Menus and keyboard shortcuts of the main window (standard desktop conventions)."""
from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from twin.gui.examples_menu import ExamplesMenu
from twin.gui.floor_panel import COLOR_MODES
from twin.gui.help import open_documentation, show_shortcuts
from twin.gui.theme import THEMES


def key_sequences(shortcut) -> list[QKeySequence]:
    """Every key sequence of a shortcut given as text, a standard key or a list of them,
    each once: QKeySequence(StandardKey) keeps only the platform's first binding, and a
    sequence listed twice makes Qt treat the key as ambiguous and trigger nothing."""
    out: list[QKeySequence] = []
    for key in shortcut if isinstance(shortcut, list) else [shortcut]:
        found = (QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey)
                 else [QKeySequence(key)])
        out += [k for k in found if not k.isEmpty() and k not in out]
    return out


def _action(window, text: str, slot=None, shortcut=None, checkable: bool = False,
            tip: str = "") -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcuts(key_sequences(shortcut))
    action.setCheckable(checkable)
    if tip:
        action.setStatusTip(tip)
    if slot is not None:
        (action.toggled if checkable else action.triggered).connect(slot)
    return action


def _group(window, menu, choices, slot) -> dict[str, QAction]:
    """Exclusive checkable actions, one per (key, text)."""
    group = QActionGroup(window)
    actions = {}
    for key, text in choices:
        action = _action(window, text, checkable=True)
        action.triggered.connect(lambda checked=False, k=key: slot(k))
        group.addAction(action)
        menu.addAction(action)
        actions[key] = action
    return actions


def build_menus(window) -> SimpleNamespace:
    """Create the menu bar of `window` (a MainWindow); returns the actions by name."""
    a = SimpleNamespace()
    bar = window.menuBar()
    files = window.files
    m = bar.addMenu("&File")
    a.new = _action(window, "&New…", files.new_dialog, QKeySequence.New,
                    tip="Start an empty room of a chosen size")
    a.open = _action(window, "&Open…", files.open_dialog, QKeySequence.Open)
    a.recent_menu = m.addMenu("Open &Recent")
    a.examples_menu = ExamplesMenu(files, window)
    a.save = _action(window, "&Save", files.save, QKeySequence.Save)
    a.save_as = _action(window, "Save &As…", files.save_as, [QKeySequence.SaveAs, "Ctrl+Shift+S"])
    a.export = _action(window, "&Export Results…", window.export_results,
                       tip="Write the shown results as JSON or CSV")
    a.close = _action(window, "&Close", window.close, QKeySequence.Close,
                      tip="Close this window (asks to save unsaved edits)")
    a.quit = _action(window, "&Quit", window.quit_app, [QKeySequence.Quit, "Ctrl+Q"],
                     tip="Close every dctwin window")
    for action in (a.new, a.open):
        m.addAction(action)
    m.addMenu(a.recent_menu)
    m.addMenu(a.examples_menu)
    m.addSeparator()
    for action in (a.save, a.save_as, a.export):
        m.addAction(action)
    m.addSeparator()
    m.addAction(a.close)
    m.addAction(a.quit)

    m = bar.addMenu("&Edit")
    edits = window.edits
    a.undo = _action(window, "&Undo", window.document.undo, QKeySequence.Undo)
    a.redo = _action(window, "&Redo", window.document.redo, [QKeySequence.Redo, "Ctrl+Shift+Z"])
    a.copy = _action(window, "&Copy", edits.copy, ["Ctrl+C"], tip="Copy the selected equipment")
    a.paste = _action(window, "&Paste", lambda: edits.paste(), ["Ctrl+V"],
                      tip="Add copies of the copied equipment beside where it stood")
    a.duplicate = _action(window, "D&uplicate", edits.duplicate, "Ctrl+D",
                          tip="Add copies of the selected equipment beside it")
    a.rotate = _action(window, "R&otate Rack", window.rotate_selected, "R",
                       tip="Turn the selected rack a quarter clockwise")
    a.delete = _action(window, "&Delete", edits.delete, [QKeySequence.Delete, "Backspace"])
    a.select_all = _action(window, "Select &All", edits.select_all, QKeySequence.SelectAll)
    a.deselect = _action(window, "Select &None", lambda: window.floor.select(""), "Esc")
    for action in (a.undo, a.redo, None, a.copy, a.paste, a.duplicate, None, a.rotate, a.delete,
                   None, a.select_all, a.deselect):
        m.addSeparator() if action is None else m.addAction(action)

    m = bar.addMenu("&View")
    a.color = _group(window, m, COLOR_MODES, window.panel.set_color_mode)
    m.addSeparator()
    a.arrows = _action(window, "Airflow &Arrows", window.panel.arrows.setChecked, "A", checkable=True)
    window.panel.arrows.toggled.connect(a.arrows.setChecked)
    a.fit = _action(window, "&Fit Room", window.fit_room, "F")
    m.addAction(a.arrows)
    m.addAction(a.fit)
    theme_menu = m.addMenu("&Theme")
    a.theme = _group(window, theme_menu, [(t, t.capitalize()) for t in THEMES], window.set_theme)
    a.panels_menu = m.addMenu("&Panels")

    m = bar.addMenu("&Solve")
    a.solve = _action(window, "&Solve Now", window.solve_now, "F5")
    a.cancel = _action(window, "&Cancel Solve", window.solver.cancel, "Ctrl+.")
    m.addAction(a.solve)
    m.addAction(a.cancel)
    m.addSeparator()
    a.model = _group(window, m, (("accurate", "Preview, then &Accurate Model"),
                                 ("preview", "&Preview Model Only")), window.set_model)

    m = bar.addMenu("&Help")
    a.docs = _action(window, "&Documentation", lambda: open_documentation(window),
                     QKeySequence.HelpContents, tip="Open dctwin's documentation")
    a.keys = _action(window, "&Keyboard Shortcuts", lambda: show_shortcuts(window))
    a.about = _action(window, "&About dctwin", window.about)
    for action in (a.docs, a.keys, None, a.about):
        m.addSeparator() if action is None else m.addAction(action)
    return a
