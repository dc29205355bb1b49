"""report.pdf: the HTML report printed with Qt's PDF writer (imported only where Qt is)."""
from __future__ import annotations

import base64
import os
import re

SVG = re.compile(r"<svg.*?</svg>", re.S)
DATA_PNG = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")


def _app():
    """The running Qt application, or a headless one for this process."""
    from PySide6.QtGui import QGuiApplication
    app = QGuiApplication.instance()
    if app is None:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["dctwin"])
    return app


def write_pdf(html_text: str, path: str) -> None:
    """Lay out the report HTML on A4 pages and write it to `path`."""
    from PySide6.QtCore import QMarginsF, QUrl
    from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument
    _app()
    doc = QTextDocument()
    images = []

    def keep(match) -> str:
        name = f"img{len(images)}.png"
        images.append((name, QImage.fromData(base64.b64decode(match.group(1)), "PNG")))
        return name

    text = DATA_PNG.sub(keep, SVG.sub("<p><i>(chart in report.html)</i></p>", html_text))
    for name, image in images:
        doc.addResource(QTextDocument.ImageResource, QUrl(name), image)
    doc.setHtml(text)
    writer = QPdfWriter(path)
    writer.setPageSize(QPageSize(QPageSize.A4))
    writer.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout.Millimeter)
    writer.setResolution(150)
    doc.setPageSize(writer.pageLayout().paintRectPixels(writer.resolution()).size().toSizeF())
    doc.print_(writer)
