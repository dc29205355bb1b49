"""`dctwin report --capacity`: headroom today, stranded capacity per row and the growth chart,
with figures worked out by hand on the capacity room, and a bad plan refused in one line."""
import json

import pytest

from capacity_rooms import room_text
from twin.cli import main

FAST = ["--model", "preview", "--cell-m", "0.3", "--quiet"]


def test_the_report_has_a_capacity_section_worked_out_by_hand(tmp_path):
    # Racks of test-gpu hold 4 x 10 kW, 32 ports. Power: UPSs of 75 kW at 80 %: 60 kW for the
    # 10 kW today, N-1 headroom 50 kW; month 1: 50 kW, month 2: 90 kW, exceeded.
    # Fabric: 44 ports, one spine link: 43 free; month 1 leaves 11, month 2 needs 32.
    layout = tmp_path / "room.yaml"
    layout.write_text(room_text(ups_kw=75, leaf_ports=44))
    out = tmp_path / "report"
    assert main(["report", str(layout), "--fail", "PDU-A", "--out", str(out),
                 "--capacity", "1 x test-gpu per month", "--capacity-months", "3", *FAST]) == 0
    cap = json.loads((out / "report.json").read_text())["capacity"]
    today = {c["resource"]: c for c in cap["today"]}
    assert today["power"]["margin"] == pytest.approx(50.0, abs=0.01)
    assert today["fabric"]["margin"] == 43
    (row,) = cap["rows"]
    assert row["row"] == "E" and row["headroom_kw"]["power"] == pytest.approx(50.0, abs=0.5)
    assert row["headroom_kw"]["fabric"] == pytest.approx(43 * 1.25, abs=0.1)
    assert row["free_positions"] == 6 and row["space_kw"] == pytest.approx(6 * 40.0)
    assert cap["growth"]["runs_out"]["power"] == 2 and cap["growth"]["runs_out"]["fabric"] == 2
    html = (out / "report.html").read_text()
    section = html[html.index("<h2>Capacity</h2>"):]
    assert "Stranded capacity per row" in section and "Power (N-1): month 2" in section
    assert "<svg" in section[section.index("<h3>Growth</h3>"):]       # the chart, inline


def test_without_capacity_the_report_has_no_such_section(tmp_path):
    layout = tmp_path / "room.yaml"
    layout.write_text(room_text())
    out = tmp_path / "report"
    assert main(["report", str(layout), "--fail", "PDU-A", "--out", str(out), *FAST]) == 0
    assert "capacity" not in json.loads((out / "report.json").read_text())
    assert "<h2>Capacity</h2>" not in (out / "report.html").read_text()


@pytest.mark.parametrize("plan, message", [
    ("2 x warp-drive per month", 'dctwin: --capacity: unknown equipment model "warp-drive"'),
    ("lots of gpus", 'dctwin: --capacity: expected "N x MODEL per month"'),
])
def test_a_bad_capacity_plan_is_refused_before_any_solve(tmp_path, capsys, plan, message):
    layout = tmp_path / "room.yaml"
    layout.write_text(room_text())
    assert main(["report", str(layout), "--fail", "PDU-A", "--out", str(tmp_path / "r"),
                 "--capacity", plan, *FAST]) == 2
    assert capsys.readouterr().err.startswith(message)
    assert not (tmp_path / "r").exists()
