"""`dctwin liquid` (table, JSON, CSV, exit codes) and the liquid part of `dctwin report`."""
from __future__ import annotations

import csv
import io
import json

import pytest

from liquid_rooms import cdu, liquid, rack, room
from twin.cli import main

FAST = ["--model", "preview", "--cell-m", "0.3", "--quiet"]


def test_liquid_compares_three_facility_water_temperatures(capsys):
    assert main(["liquid", "liquid_row", "--supply", "17,32,40", "--json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)["liquid"]
    assert data["it_kw"] == pytest.approx(data["air_kw"] + data["liquid_kw"])
    assert data["cdus"]["CDU-1"]["supply_c"] == pytest.approx(35.0) and data["ok"]
    cases = data["energy"]["cases"]
    assert [c["facility_supply_c"] for c in cases] == [17, 32, 40]
    assert [c["water_class"] for c in cases] == ["W17", "W32", "W40"]
    # The synthetic example climate: free cooling up to 11 °C at 17 °C water (7 months).
    assert cases[0]["free_cooling_hours"] == (31 + 28 + 31 + 30 + 31 + 30 + 31) * 24
    assert cases[1]["free_cooling_hours"] == 8760 and cases[1]["chiller_mwh"] == 0
    assert cases[0]["pue"] > cases[1]["pue"] == pytest.approx(cases[2]["pue"])
    failures = data["failures"]
    assert [f["cdu"] for f in failures["cdu_failures"]] == ["CDU-1", "CDU-2"]
    assert all(f["ok"] for f in failures["cdu_failures"])
    seconds = failures["facility_water_loss"]["seconds_to_limit"]
    assert set(seconds) == {f"G{i}" for i in range(1, 9)} and 10 < min(seconds.values()) < 60


def test_liquid_table_and_csv(tmp_path, capsys):
    out = tmp_path / "loop.csv"
    assert main(["liquid", "liquid_row", "--csv", str(out)]) == 0
    table = capsys.readouterr().out
    assert "Facility water 32.0 °C (W32)" in table and "CDU-1 fails: ok" in table
    assert "Facility water lost: first rack at the 45 °C limit after" in table
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["id"] for r in rows] == ["CDU-1", "CDU-2"] + [f"G{i}" for i in range(1, 9)]
    assert float(rows[2]["liquid_kw"]) == pytest.approx(102.0) and rows[2]["cdus"] == "CDU-1"


def test_check_exits_3_when_a_single_cdu_failure_strands_racks(tmp_path, capsys):
    path = tmp_path / "hall.yaml"
    path.write_text(room(rack("R1", 2.0) + rack("R2", 2.6),
                         liquid(cdu("CDU-A", 1.0, "R1") + cdu("CDU-B", 3.0, "R2"))))
    assert main(["liquid", str(path)]) == 0
    assert main(["liquid", str(path), "--check"]) == 3
    assert "R1 has no running CDU: coolant at the limit after 14 s" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--supply", "17,warm"], "dctwin: --supply: not a number: 'warm' (e.g. --supply 17,32,40)\n"),
    (["--supply", "95"], "dctwin: --supply: 95 °C is outside 0..90 °C\n"),
    (["--json", "-", "--csv", "-"], "dctwin: only one output can go to stdout ('-')\n"),
])
def test_bad_arguments_exit_2_with_one_line(args, message, capsys):
    assert main(["liquid", "liquid_row", *args]) == 2
    assert capsys.readouterr().err == message


def test_a_bad_climate_file_and_a_layout_without_liquid_exit_2(tmp_path, capsys):
    bad = tmp_path / "site.csv"
    bad.write_text("month,dry_bulb_c\n1,5\n2,hot\n")
    assert main(["liquid", "liquid_row", "--climate", str(bad)]) == 2
    assert capsys.readouterr().err == f"dctwin: {bad}:3: dry_bulb_c must be a number (got 'hot')\n"
    assert main(["liquid", "small_room"]) == 2
    assert "the layout has no liquid section" in capsys.readouterr().err


def test_report_has_a_liquid_section_and_fails_on_facility_water_loss(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["report", "liquid_row", "--scenario", "facility water lost", "--out", str(out),
                 "--check", *FAST]) == 3
    assert "facility water lost: coolant reaches the 45 °C limit after" in capsys.readouterr().err
    data = json.loads((out / "report.json").read_text())["liquid"]
    assert data["baseline"]["liquid_kw"] == pytest.approx(816.0)
    assert [n["cdu"] for n in data["n1"]] == ["CDU-1", "CDU-2"]
    assert data["facility_water_loss"]["seconds_to_limit"]["G1"] > 0
    rows = list(csv.DictReader(io.StringIO((out / "liquid.csv").read_text())))
    assert rows[0]["id"] == "CDU-1" and rows[2]["seconds_to_limit"]
    assert "<h2>Liquid cooling</h2>" in (out / "report.html").read_text()


def test_report_of_a_failed_cdu_moves_its_racks(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["report", "liquid_row", "--fail", "CDU-1", "--out", str(out), *FAST]) == 0
    data = json.loads((out / "report.json").read_text())["liquid"]["scenario"]
    assert data["cdus"]["CDU-2"]["load_kw"] == pytest.approx(816.0)
    assert data["racks"]["G1"]["cdus"] == ["CDU-2"] and data["ok"]


def test_simulate_json_carries_the_liquid_loop(capsys):
    assert main(["simulate", "liquid_row", "--json", "-", *FAST]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["liquid"]["cdus"]["CDU-2"]["load_kw"] == pytest.approx(408.0)
    assert data["energy_balance"]["it_power_kw"] == pytest.approx(data["liquid"]["air_kw"])
    assert data["power"]["cooling"]["liquid_pumps_kw"] == 16
