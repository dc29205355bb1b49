"""report.pdf through Qt's PDF writer (only where the desktop app's Qt is installed): numbered
A4 pages, every figure whole on one page, the same verdict as report.html."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtGui", reason="report.pdf needs Qt (PySide6)")
pypdf = pytest.importorskip("pypdf", reason="reading report.pdf back needs pypdf (test extra)")

REPO = Path(__file__).resolve().parents[1]
SYMMETRIC = REPO / "twin" / "layouts" / "symmetric_room.yaml"
A4_PT = (595, 842)
# headings followed by text (a page whose text ends in one would have left it alone at its
# foot; "Racks" is followed by a chart, which has no text, so it is not among them)
HEADINGS = ("Key figures", "Floor temperatures", "Cooling units", "Ride-through after the failure",
            "Assumptions and model limits", "About this report", "Broken by this change",
            "Already out of range before the change")


def plain(text: str) -> str:
    """Extracted text with its runs of whitespace as one space and ligatures undone."""
    return re.sub(r"\s+", " ", text).replace("\ufb01", "fi").replace("\ufb02", "fl")


def test_report_pdf_has_numbered_pages_and_whole_figures(tmp_path):
    """In a child process, so the test session's Qt application is not a QGuiApplication."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run = subprocess.run([sys.executable, "-m", "twin", "report", str(SYMMETRIC), "--fail", "CRAH-E",
                          "--out", str(tmp_path), "--model", "preview", "--cell-m", "0.3",
                          "--quiet", "--pdf"], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "report.pdf" in run.stdout
    reader = pypdf.PdfReader(tmp_path / "report.pdf")
    pages = len(reader.pages)
    assert 3 <= pages <= 8
    texts = [plain(page.extract_text()) for page in reader.pages]
    for number, (page, text) in enumerate(zip(reader.pages, texts), 1):
        assert f"Page {number} of {pages}" in text
        assert "What-if report: fail CRAH-E" in text                     # footer on every page
        size = (round(float(page.mediabox.width)), round(float(page.mediabox.height)))
        assert size == A4_PT
    # five figures (three floor maps, intake bars, ride-through), each one image; Qt's layout
    # moves an image that does not fit to the next page whole (the pages were looked at)
    images = {image.name: image.image.size for page in reader.pages for image in page.images}
    assert len(images) == 5
    assert all(width >= 1000 for width, _ in images.values())
    footer = "What-if report: fail CRAH-E (symmetric room, mirror image about x = 3.6 m)"
    bodies = [text.rsplit(footer, 1)[0].strip() for text in texts]
    for body in bodies:                  # no heading ends a page; short tables stay whole
        assert not any(body.endswith(h) for h in HEADINGS), body[-80:]
    about = next(body for body in bodies if "About this report" in body)
    assert "Layout file SHA-256" in about and "Software dctwin" in about
    whole = "".join(texts)
    assert "Preview model." in texts[0] and "Verdict: the change does NOT hold." in texts[0]
    assert "Broken by this change" in texts[0]
    assert "CRAH-E" in whole and "About this report" in whole
    assert str(tmp_path) not in whole and str(REPO) not in whole


PAGINATE = r"""
import json, re, sys
import pypdf
from twin.gui.report_pdf import write_pdf
rows = "".join(f"<tr><td>row {i}</td><td>{i}</td></tr>" for i in range(1, 7))
found = []
for filler in range(25, 75):
    body = "".join(f"<p>filler paragraph {i}</p>" for i in range(filler))
    html = (f"<html><head><title>T</title></head><body>{body}<h2>Tail heading</h2>"
            f"<table border='1'>{rows}</table><p>the end</p></body></html>")
    path = f"{sys.argv[1]}/t{filler}.pdf"
    write_pdf(html, path)
    found.append([re.sub(r"\s+", " ", p.extract_text()) for p in pypdf.PdfReader(path).pages])
print(json.dumps(found))
"""


def test_a_heading_never_ends_a_page_and_a_short_table_is_never_split(tmp_path):
    """However much text comes before them, a heading and the six-row table after it share
    a page (without the PDF writer's page rules some of these documents split them)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run = subprocess.run([sys.executable, "-c", PAGINATE, str(tmp_path)], capture_output=True,
                         text=True, env=env, timeout=300, cwd=REPO)
    assert run.returncode == 0, run.stderr
    documents = json.loads(run.stdout.strip().splitlines()[-1])
    assert max(len(pages) for pages in documents) >= 2           # some spill onto a second page
    for pages in documents:
        page = next(p for p in pages if "Tail heading" in p)
        assert "row 1 1" in page and "row 6 6" in page, pages
