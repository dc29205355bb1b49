"""report.pdf through Qt's PDF writer (only where the desktop app's Qt is installed)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtGui", reason="report.pdf needs Qt (PySide6)")

REPO = Path(__file__).resolve().parents[1]
SMALL = REPO / "twin" / "layouts" / "small_room.yaml"


def test_report_pdf_is_written(tmp_path):
    """In a child process, so the test session's Qt application is not a QGuiApplication."""
    layout_text = SMALL.read_text()
    unit = layout_text.split("cooling_units:\n  - id: ", 1)[1].split("\n", 1)[0]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run = subprocess.run([sys.executable, "-m", "twin", "report", str(SMALL), "--fail", unit,
                          "--out", str(tmp_path), "--model", "preview", "--cell-m", "0.3",
                          "--quiet", "--pdf"], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"/Type /Page" in pdf
    assert "report.pdf" in run.stdout
