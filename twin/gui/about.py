"""Help > About: what dctwin is, which version, on which Python and Qt, under which licence.

The version comes from `twin.__version__` (the one place it is set; the wheel's
metadata and `dctwin --version` read the same attribute). Python and Qt
versions are those of the running process, which is what a bug report needs.
"""
from __future__ import annotations

import platform
from html import escape

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from twin import __version__

LICENCE = "Apache License 2.0"
LICENCE_URL = "https://www.apache.org/licenses/LICENSE-2.0"


def versions() -> dict[str, str]:
    """Version strings shown in the About box (and handy in bug reports)."""
    return {"dctwin": __version__, "Python": platform.python_version(),
            "Qt": qVersion(), "PySide6": PySide6.__version__}


def about_html() -> str:
    """The About box text (Qt rich text)."""
    v = versions()
    return (f"<h3>dctwin {escape(v['dctwin'])}</h3>"
            "<p>A digital twin of a data-center floor: airflow, temperatures, "
            "cooling metrics and the power chain.</p>"
            f"<p>Python {escape(v['Python'])} &middot; Qt {escape(v['Qt'])} "
            f"(PySide6 {escape(v['PySide6'])})</p>"
            f"<p>Licensed under the <a href='{LICENCE_URL}'>{LICENCE}</a>.</p>")


def show_about(parent: QWidget) -> None:
    """Open the About box over `parent`."""
    QMessageBox.about(parent, "About dctwin", about_html())
