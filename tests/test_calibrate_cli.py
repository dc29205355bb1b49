"""`dctwin calibrate`: the report, the calibrated layout, and clear errors for bad measured files."""
from __future__ import annotations

import json

import pytest

from paths import REPO
from twin.calibrate import MeasuredError, read_measured
from twin.calibrate import synthetic as syn
from twin.cli import main
from twin.model import load_layout

ROOM = REPO / "tests" / "data" / "calibrate" / "two_rows.yaml"
FAST = ["--model", "preview", "--cell-m", "0.3", "--quiet"]   # the truth is sampled at 0.3 m
HEADER = "timestamp,sensor,value\n"


@pytest.fixture(scope="module")
def measured_file(tmp_path_factory):
    nominal = load_layout(ROOM)
    truth, _ = syn.perturbed_truth(nominal, airflow_unit="CRAH-1", supply_unit="CRAH-2")
    values = syn.truth_values(truth, nominal, syn.default_names(nominal), model="preview")
    path = tmp_path_factory.mktemp("m") / "measured.csv"
    path.write_text(syn.readings_csv(syn.sample_readings(values, 4, noise_k=0.05)))
    return path


def test_calibrate_writes_a_loadable_calibrated_layout(measured_file, tmp_path, capsys):
    out, js = tmp_path / "calibrated.yaml", tmp_path / "fit.json"
    code = main(["calibrate", str(ROOM), "--measured", str(measured_file), "--out", str(out),
                 "--json", str(js), "--check", *FAST])
    assert code == 0
    table = capsys.readouterr().out
    assert "CRAH-1 airflow" in table and "held-out check" in table
    text = out.read_text()
    assert text.startswith("# Calibrated by dctwin calibrate from")
    assert "CRAH-2 supply: +1." in text
    calibrated = load_layout(out)
    assert calibrated.unit("CRAH-1").airflow_m3s == pytest.approx(1.05, abs=0.05)
    assert calibrated.unit("CRAH-2").supply_temp_c == pytest.approx(19.5, abs=0.3)
    data = json.loads(js.read_text())
    assert data["held_out_max_k"] < 0.5 and len(data["held_out"]) >= 3
    by_id = {p["id"]: p for p in data["parameters"]}
    assert by_id["row B airflow"]["value"] == pytest.approx(0.8, abs=0.03) and by_id["row B airflow"]["sd"] > 0
    # A second calibration of the calibrated file replaces the comment block, not stacks it.
    again = tmp_path / "again.yaml"
    assert main(["calibrate", str(out), "--measured", str(measured_file), "--out", str(again),
                 *FAST]) == 0
    assert again.read_text().count("# Calibrated by dctwin") == 1


@pytest.mark.parametrize("body, where, words", [
    (HEADER + "2026-01-05T09:00:00Z,A1-low,18.2\n2026-01-05T09:00:00Z,A9-low,18\n", ":3:",
     "sensor: 'A9-low' is neither a sensor"),
    (HEADER + "2026-01-05T09:00:00Z,unit:CRAH-9:supply_c,18\n", ":2:", "has no unit 'CRAH-9'"),
    (HEADER + "2026-01-05T09:00:00Z,unit:CRAH-1:speed,18\n", ":2:", "not 'speed'"),
    (HEADER + "2026-01-05T09:00:00Z,A1-low,warm\n", ":2:", "value: not a number"),
    (HEADER + "2026-01-05T09:00:00Z,A1-low,400\n", ":2:", "value: must be a number from"),
    (HEADER + "yesterday,A1-low,18\n", ":2:", "timestamp: not a time"),
    ("time,sensor,value\n1,A1-low,18\n", ":1:", "missing column(s) timestamp"),
    (HEADER, "", "no readings"),
])
def test_bad_measured_files_name_file_line_and_field(tmp_path, body, where, words):
    path = tmp_path / "bad.csv"
    path.write_text(body)
    with pytest.raises(MeasuredError) as exc:
        read_measured(path, load_layout(ROOM))
    text = str(exc.value)
    assert text.startswith(str(path) + where) and words in text


def test_cli_bad_measured_file_is_one_line_exit_2(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "2026-01-05T09:00:00Z,A1-low,18\nnot-a-time,A1-low,18\n")
    assert main(["calibrate", str(ROOM), "--measured", str(path), *FAST]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and f"{path}:3: timestamp" in err and "Traceback" not in err


def test_cli_window_outside_the_file_is_an_input_error(measured_file, capsys):
    assert main(["calibrate", str(ROOM), "--measured", str(measured_file), "--window",
                 "2020-01-01T00:00Z", "2020-01-02T00:00Z", *FAST]) == 2
    assert "no readings from 2020-01-01" in capsys.readouterr().err
