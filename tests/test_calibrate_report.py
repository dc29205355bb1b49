"""`dctwin report --calibration FIT.json --watch WATCH.json`: the fit table and the alert history."""
from __future__ import annotations

import copy
import json

import pytest

from paths import REPO
from twin.calibrate import synthetic as syn
from twin.cli import main
from twin.model import load_layout

ROOM = REPO / "tests" / "data" / "calibrate" / "two_rows.yaml"
FAST = ["--model", "preview", "--quiet"]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("results")
    room = load_layout(ROOM)
    names = syn.default_names(room)
    healthy = syn.truth_values(room, room, names, model="preview")
    bad = copy.deepcopy(room)
    bad.unit("CRAH-2").airflow_m3s *= 0.7
    faulty = syn.truth_values(bad, room, names, model="preview")
    readings = folder / "readings.csv"
    readings.write_text(syn.readings_csv(
        syn.sample_readings(healthy, 15, noise_k=0.2) +
        syn.sample_readings(faulty, 10, noise_k=0.2, seed=4, start_s=syn.EPOCH_S + 15 * 60)))
    fit, watch = folder / "fit.json", folder / "watch.json"
    assert main(["calibrate", str(ROOM), "--measured", str(readings), "--window",
                 "2026-01-05T08:00:00Z", "2026-01-05T08:14:00Z", "--json", str(fit), *FAST]) == 0
    assert main(["watch", str(ROOM), "--measured", str(readings), "--model", "preview",
                 "--calibration", str(fit), "--json", str(watch)]) == 0
    return fit, watch


def test_report_shows_the_fit_table_and_the_alert_history(results, tmp_path, capsys):
    fit, watch = results
    out = tmp_path / "report"
    assert main(["report", str(ROOM), "--fail", "CRAH-1", "--out", str(out), "--calibration",
                 str(fit), "--watch", str(watch), "--model", "preview", "--cell-m", "0.3",
                 "--quiet"]) == 0
    html = (out / "report.html").read_text()
    assert "<h2>Calibration</h2>" in html and "CRAH-2 airflow" in html and "held out" in html
    assert "<h2>Alerts</h2>" in html and "CRAH-2 airflow about" in html
    data = json.loads((out / "report.json").read_text())
    fitted = {p["id"]: p for p in data["calibration"]["parameters"]}
    # Fitted on the healthy quarter hour: the twin was right, so nothing moved far.
    assert abs(fitted["CRAH-2 airflow"]["value"] - 1.0) < 0.05
    assert any(a["kind"] == "residual" for a in data["watch"]["alerts"])


def test_report_refuses_a_file_that_is_not_a_result_before_solving(tmp_path, capsys):
    bogus = tmp_path / "x.json"
    bogus.write_text(json.dumps({"racks": []}))
    code = main(["report", str(ROOM), "--fail", "CRAH-1", "--out", str(tmp_path / "r"),
                 "--calibration", str(bogus), *FAST])
    assert code == 2
    assert "not a `dctwin calibrate --json` result" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()
