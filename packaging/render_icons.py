"""Render the application icon's PNG sizes from its SVG (run after editing the SVG).

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/render_icons.py

Writes `twin/assets/dctwin-N.png` for the sizes desktops and window managers
ask for (hicolor theme sizes). The SVG is the source; the PNGs are committed
so a machine without an SVG renderer (or Qt's SVG module) still has an icon.
"""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ASSETS = Path(__file__).resolve().parents[1] / "twin" / "assets"


def render(svg: Path, size: int, out: Path) -> None:
    """Draw the SVG into a transparent size x size PNG."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: cannot read {svg}")
    image = QImage(size, size, QImage.Format_ARGB32)
    image.fill(Qt.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(out)):
        raise SystemExit(f"render_icons: cannot write {out}")


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    svg = ASSETS / "dctwin.svg"
    for size in SIZES:
        out = ASSETS / f"dctwin-{size}.png"
        render(svg, size, out)
        print(f"{out.relative_to(ASSETS.parents[1])}: {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
