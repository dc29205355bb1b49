"""Starting the desktop app: arguments, QApplication, the first layout, screenshot mode."""
from __future__ import annotations

import os
import sys
from typing import Optional

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from twin.gui.document import Document
from twin.gui.file_ops import is_bundled
from twin.gui.main_window import MainWindow
from twin.argtypes import apply_limits
from twin.gui.options import gui_parser, window_size
from twin.gui.solve_job import SolveSettings
from twin.model import LayoutError, default_layout_path, load_layout
from twin.model.resources import icon_paths, resolve_layout

ORGANIZATION, APPLICATION = "dctwin", "dctwin"
SCREENSHOT_TIMEOUT_MS = 600_000


def application(argv: Optional[list] = None) -> QApplication:
    """The QApplication (created once), named so QSettings has a home."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "dctwin"] + list(argv or []))
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("dctwin")
    app.setDesktopFileName("dctwin")         # matches packaging/linux/dctwin.desktop
    app.setWindowIcon(application_icon())
    return app


def application_icon() -> QIcon:
    """The dctwin icon from the bundled PNG sizes (empty if they are missing).

    PNGs rather than the SVG: they need no SVG plugin (the bundle leaves QtSvg
    out) and every size stays crisp; the SVG is for desktop icon themes.
    """
    icon = QIcon()
    for path in icon_paths():
        if path.suffix == ".png":
            icon.addFile(str(path))
    return icon


def open_document(path: Optional[str]) -> Document:
    """A document on a layout file (or a bundled layout's name), or on the default hall.

    Bundled layouts open as unsaved templates. FileNotFoundError if nothing matches.
    """
    source = str(resolve_layout(path)) if path else str(default_layout_path())
    layout = load_layout(source)
    return Document(layout, None if is_bundled(source) else os.path.abspath(source))


def create_window(path: Optional[str] = None, settings: Optional[QSettings] = None,
                  solve_settings: Optional[SolveSettings] = None) -> MainWindow:
    """Build the main window on a layout (raises LayoutError); the first solve starts at once."""
    settings = settings if settings is not None else QSettings()
    document = open_document(path)
    window = MainWindow(document, settings, solve_settings)
    if document.path:
        window.files.add_recent(document.path)
    return window


def take_screenshot(window: MainWindow, png_path: str, app: QApplication) -> None:
    """Save the window to png_path once the first solve has finished, then quit."""
    def grab(outcome: str = "final", message: str = "") -> None:
        app.processEvents()
        ok = window.grab().save(png_path)
        print(f"dctwin: screenshot {'saved to' if ok else 'could not be saved to'} {png_path}"
              + (f" ({outcome}: {message})" if outcome != "final" else ""), file=sys.stderr)
        app.exit(0 if ok else 1)

    window.solver.sigFinished.connect(lambda outcome, message: QTimer.singleShot(200, window, lambda: grab(outcome, message)))
    QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, window, lambda: grab("timeout", "the solve took too long"))


def run(argv: Optional[list] = None) -> int:
    """`dctwin gui [LAYOUT] [--screenshot PNG] ...`; returns the exit code."""
    args = gui_parser().parse_args(list(argv or []))
    apply_limits(args)
    try:
        size = window_size(args.size)
    except ValueError as exc:
        print(f"dctwin gui: {exc}", file=sys.stderr)
        return 2
    if args.screenshot and not _has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif not _has_display():      # Qt would abort with a core dump; say what to do instead
        print("dctwin gui: no display (DISPLAY and WAYLAND_DISPLAY are not set); run it in a "
              "desktop session, use --screenshot PNG to render offscreen, or run "
              "'dctwin simulate LAYOUT' for the results table (see docs/troubleshooting.md)",
              file=sys.stderr)
        return 2
    app = application()
    settings = QSettings()
    model = args.model or str(settings.value("solve/model", "accurate"))
    solve_settings = SolveSettings(model=model, accurate_cell_m=args.cell_m)
    try:
        window = create_window(args.layout, settings, solve_settings)
    except LayoutError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"dctwin gui: {exc}", file=sys.stderr)
        return 2
    if size is not None:
        window.resize(*size)
    window.show()
    if args.screenshot:
        take_screenshot(window, args.screenshot, app)
    code = app.exec()
    window.shutdown_workers()
    settings.sync()
    _leave(code)
    return code


def _leave(code: int) -> None:
    """End the process once the event loop is over and everything is saved.

    Python's garbage collection of the remaining Qt and pyqtgraph objects at
    interpreter exit crashes now and then (a segfault after a successful
    --screenshot, about 1 run in 10 with every dock); there is nothing left
    to save at this point, so skip it.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith(("win", "darwin")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
