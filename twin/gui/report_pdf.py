"""report.pdf: the report laid out on A4 by Qt's text engine, a footer with page numbers.

Takes the PNG form of the report (`twin.report.html.render(study, vector=False)`): each
figure is one image, and Qt's paginated layout never splits an image across pages.
"""
from __future__ import annotations

import base64
import html
import os
import re

DATA_PNG = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
MARGINS_MM = (16, 14, 16, 12)          # left, top, right, bottom
FOOTER_IN = 0.4
LAYOUT_DPI = 96
SMALL_TABLE_ROWS = 18                  # a table (key figures) or list this short stays whole


def _app():
    """The running Qt application, or a headless one for this process."""
    from PySide6.QtGui import QGuiApplication
    app = QGuiApplication.instance()
    if app is None:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["dctwin"])
    return app


def _layout_device():
    """A 96 dpi image to lay the text out on (Qt's table layout is only right at screen
    resolution); the pages are drawn scaled up to the writer's resolution."""
    from PySide6.QtGui import QImage
    device = QImage(8, 8, QImage.Format_RGB32)
    dots_per_m = round(LAYOUT_DPI / 0.0254)
    device.setDotsPerMeterX(dots_per_m)
    device.setDotsPerMeterY(dots_per_m)
    return device


def _document(html_text: str, device):
    """A QTextDocument of the page, laid out at LAYOUT_DPI (points are points)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QFont, QImage, QTextDocument
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(device)
    doc.setUseDesignMetrics(True)          # widths measured here hold on the 300 dpi page
    doc.setDocumentMargin(0)
    doc.setDefaultFont(QFont("DejaVu Sans", 10))
    images = []

    def keep(match) -> str:
        name = f"img{len(images)}.png"
        images.append((name, QImage.fromData(base64.b64decode(match.group(1)), "PNG")))
        return name

    text = DATA_PNG.sub(keep, html_text)
    for name, image in images:
        doc.addResource(QTextDocument.ImageResource, QUrl(name), image)
    doc.setHtml(text)
    return doc


def _keep_headings_with_next(doc, page_h: float) -> None:
    """Start a heading on a new page when the first figure, table or list line after its
    introduction would not be on its page: no heading or introduction ends a page."""
    from PySide6.QtGui import QTextCursor, QTextFormat
    layout = doc.documentLayout()
    block = doc.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() > 0:
            top = layout.blockBoundingRect(block).top()
            if int(top // page_h) != int((_kept_bottom(block, layout) - 1) // page_h):
                fmt = block.blockFormat()
                fmt.setPageBreakPolicy(QTextFormat.PageBreak_AlwaysBefore)
                QTextCursor(block).setBlockFormat(fmt)
        block = block.next()


def _keep_small_tables_whole(doc, page_h: float) -> None:
    """Move a table of at most SMALL_TABLE_ROWS rows that would cross a page boundary to the
    next page, with the heading and short paragraph that introduce it."""
    from PySide6.QtGui import QTextCursor, QTextFormat, QTextTable
    layout = doc.documentLayout()
    for frame in doc.rootFrame().childFrames():
        if not isinstance(frame, QTextTable) or frame.rows() > SMALL_TABLE_ROWS:
            continue
        rect = layout.frameBoundingRect(frame)
        if rect.height() >= page_h or int(rect.top() // page_h) == int((rect.bottom() - 1) // page_h):
            continue
        first = _lead_in(doc.findBlock(frame.firstPosition() - 1), layout, page_h)
        if first is not None:
            fmt = first.blockFormat()
            fmt.setPageBreakPolicy(QTextFormat.PageBreak_AlwaysBefore)
            QTextCursor(first).setBlockFormat(fmt)
        else:
            fmt = frame.format()
            fmt.setPageBreakPolicy(QTextFormat.PageBreak_AlwaysBefore)
            frame.setFormat(fmt)


def _lead_in(block, layout, page_h: float):
    """The first of the headings and short paragraphs (at most three) that end at `block`
    and introduce what follows it; None when `block` is neither."""
    first = None
    for _ in range(3):
        if not block.isValid() or "\ufffc" in block.text() or block.textList() is not None:
            break
        if block.blockFormat().headingLevel() == 0 and \
                layout.blockBoundingRect(block).height() >= 0.1 * page_h:
            break
        first = block
        if block.blockFormat().headingLevel() > 0:
            break                       # a heading starts what it introduces
        block = block.previous()
    return first


def _kept_bottom(heading, layout) -> float:
    """Bottom of the first line that must share the heading's page: through at most two
    short paragraphs of text to the first line of an image, table, list or long paragraph
    (a short table or list: all of it)."""
    from PySide6.QtGui import QTextCursor
    block = heading.next()
    bottom = layout.blockBoundingRect(heading).bottom()
    for _ in range(3):
        if not block.isValid():
            return bottom
        rect = layout.blockBoundingRect(block)
        lines = block.layout()
        first = lines.lineAt(0).height() if lines is not None and lines.lineCount() else rect.height()
        plain = ("\ufffc" not in block.text() and QTextCursor(block).currentTable() is None
                 and block.textList() is None and block.blockFormat().headingLevel() == 0
                 and rect.height() < 4 * first)
        table = QTextCursor(block).currentTable()
        if table is not None and table.rows() <= SMALL_TABLE_ROWS:
            return layout.frameBoundingRect(table).bottom()
        items = block.textList()
        if items is not None and items.count() <= SMALL_TABLE_ROWS:
            return layout.blockBoundingRect(items.item(items.count() - 1)).bottom()
        if not plain:
            return rect.top() + min(rect.height(), first)
        bottom = rect.bottom()
        block = block.next()
    return bottom


def write_pdf(html_text: str, path: str) -> int:
    """Lay out the report HTML on A4 pages, number them, write `path` (atomically: a reader
    sees the old file or the whole new one); the page count."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt
    from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen
    from twin.files import write_bytes_atomic
    _app()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(QPageSize.A4))
    writer.setPageMargins(QMarginsF(*MARGINS_MM), QPageLayout.Millimeter)
    writer.setResolution(300)
    found = TITLE.search(html_text)
    title = html.unescape(found.group(1)).strip() if found else "dctwin report"
    writer.setTitle(title)
    writer.setCreator("dctwin")
    device = _layout_device()
    doc = _document(html_text, device)
    scale = writer.resolution() / LAYOUT_DPI
    body = writer.pageLayout().paintRectPixels(writer.resolution())
    footer_px = FOOTER_IN * LAYOUT_DPI
    width, page_h = body.width() / scale, body.height() / scale - footer_px
    doc.setPageSize(QSizeF(width, page_h))
    _keep_small_tables_whole(doc, page_h)
    _keep_headings_with_next(doc, page_h)
    pages = doc.pageCount()
    painter = QPainter(writer)
    painter.scale(scale, scale)
    try:
        for index in range(pages):
            if index:
                writer.newPage()
            painter.save()
            painter.translate(0, -index * page_h)
            doc.drawContents(painter, QRectF(0, index * page_h, width, page_h))
            painter.restore()
            painter.setPen(QPen(QColor("#999999"), 0.6))
            painter.drawLine(0, int(page_h + footer_px * 0.3), int(width), int(page_h + footer_px * 0.3))
            footer_font = QFont("DejaVu Sans")
            footer_font.setPixelSize(round(8 * LAYOUT_DPI / 72))
            painter.setFont(footer_font)
            painter.setPen(QColor("#444444"))
            line = QRectF(0, page_h + footer_px * 0.35, width, footer_px * 0.65)
            painter.drawText(line, int(Qt.AlignLeft | Qt.AlignVCenter), title)
            painter.drawText(line, int(Qt.AlignRight | Qt.AlignVCenter), f"Page {index + 1} of {pages}")
    finally:
        painter.end()
    buffer.close()
    write_bytes_atomic(path, bytes(data.data()))
    return pages
