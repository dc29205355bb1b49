"""report.pdf through Qt's PDF writer (only where the desktop app's Qt is installed): numbered
A4 pages, every figure whole on one page, the same verdict as report.html."""
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
    whole = "".join(texts)
    assert "Preview model." in texts[0] and "Verdict: the change does NOT hold." in texts[0]
    assert "Broken by this change" in texts[0]
    assert "CRAH-E" in whole and "About this report" in whole
    assert str(tmp_path) not in whole and str(REPO) not in whole
