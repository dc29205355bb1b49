"""`dctwin report`: the C1 fail check, the files a report writes, and clear refusals."""
import csv
import json
import re
from pathlib import Path

import pytest

from paths import C1
from twin.cli import main
from twin.model import loads_layout
from twin.thermal import metrics as room_metrics, solve
from twin.thermal.export import result_to_dict

REPO = Path(__file__).resolve().parents[1]
needs_c1 = pytest.mark.skipif(not C1.exists(), reason=f"reference room C1 not present ({C1})")
SMALL = REPO / "twin" / "layouts" / "small_room.yaml"
FAST = ["--model", "preview", "--cell-m", "0.3", "--quiet"]


def hand_failed(text: str, unit_id: str) -> str:
    """The layout text with one unit's `state: running` changed by hand to failed."""
    start = text.index(f"- id: {unit_id}\n")
    at = text.index("state: running", start)
    return text[:at] + "state: failed" + text[at + len("state: running"):]


@needs_c1
def test_fail_crah2_matches_a_hand_edited_room_exactly(tmp_path, capsys):
    assert main(["report", str(C1), "--fail", "CRAH-2", "--out", str(tmp_path), *FAST]) == 0
    data = json.loads((tmp_path / "report.json").read_text())
    edited = loads_layout(hand_failed(C1.read_text(), "CRAH-2"), "C1_failed.yaml")
    assert edited.unit("CRAH-2").state == "failed"
    result = solve(edited, cell_m=0.3, model="preview")
    by_hand = result_to_dict(result, edited, room_metrics.compute(result, edited))
    scenario = data["scenario"]
    assert scenario["racks"] == by_hand["racks"]
    assert scenario["cooling_units"] == by_hand["cooling_units"]
    assert scenario["metrics"] == by_hand["metrics"]
    base = data["baseline"]["racks"]
    for rid, rack in scenario["racks"].items():        # physically plausible: every intake rises
        assert rack["inlet_mean_c"] > base[rid]["inlet_mean_c"], rid
        assert rack["inlet_max_c"] > base[rid]["inlet_max_c"], rid
    assert data["scenario"]["cooling_units"]["CRAH-2"]["state"] == "failed"
    assert data["deltas"]["min_inlet_rise_k"] > 0
    assert "fail CRAH-2" in capsys.readouterr().out


def test_report_writes_its_files(tmp_path):
    text = SMALL.read_text()
    layout = loads_layout(text)
    unit = layout.cooling_units[0].id
    out = tmp_path / "rep"
    args = ["report", str(SMALL), "--out", str(out), *FAST]
    # a single-unit room: failing it leaves no steady state, only the ride-through
    assert main([*args[:2], "--fail", unit, *args[2:]]) == 0
    data = json.loads((out / "report.json").read_text())
    assert data["scenario"] is None and data["deltas"]["verdict"]["holds"] is False
    times = data["ride_through"]["time_to_allowable_s"]
    assert set(times) == {r.id for r in layout.racks} and all(t is not None for t in times.values())
    assert data["ride_through"]["rise_k_per_min"] > 0
    page = (out / "report.html").read_text()
    assert "does NOT hold" in page and "<svg" in page
    assert not re.search(r"https?://(?!www\.w3\.org/)", page)    # nothing but SVG namespaces
    assert len(data["layout_file_sha256"]) == 64
    rows = list(csv.DictReader((out / "racks.csv").open()))
    assert [r["rack_id"] for r in rows] == [r.id for r in layout.racks]
    for name in ("cooling_units.csv", "power.csv"):
        assert (out / name).read_text().count("\n") >= 2


def test_report_of_a_named_scenario(tmp_path):
    layout = loads_layout(SMALL.read_text())
    rack = layout.racks[0]
    text = SMALL.read_text() + (f"scenarios:\n  - name: hotter\n    edits:\n"
                                f"      - {{action: set, target: {rack.id}, power_kw: "
                                f"{rack.power_kw + 4.0}}}\n")
    path = tmp_path / "room.yaml"
    path.write_text(text)
    assert main(["report", str(path), "--scenario", "hotter", "--out", str(tmp_path / "o"), *FAST]) == 0
    data = json.loads((tmp_path / "o" / "report.json").read_text())
    assert data["scenario_name"] == "hotter" and data["ride_through"] is None
    assert data["scenario"]["racks"][rack.id]["power_kw"] == pytest.approx(rack.power_kw + 4.0)
    assert data["deltas"]["power"]["it_kw"]["delta"] == pytest.approx(4.0)
    page = (tmp_path / "o" / "report.html").read_text()
    assert page.count("<div class='fig'") == 4          # three floor maps and the intake bars


@pytest.mark.parametrize("extra, message", [
    (["--fail", "NOPE-1"], 'no rack, cooling unit or power component with id "NOPE-1"'),
    (["--scenario", "missing"], 'no scenario named "missing"'),
])
def test_a_bad_scenario_fails_with_one_line(tmp_path, capsys, extra, message):
    code = main(["report", str(SMALL), *extra, "--out", str(tmp_path / "o"), *FAST])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_sweep_prints_the_worst_case_per_rack(capsys):
    assert main(["sweep", str(SMALL), *FAST]) == 0
    out = capsys.readouterr().out
    assert out.startswith("N-1 sweep")
    for rack in loads_layout(SMALL.read_text()).racks:
        assert f"\n{rack.id} " in out


@needs_c1
@pytest.mark.slow
def test_fail_crah2_matches_a_hand_edited_room_with_the_accurate_model(tmp_path):
    args = ["report", str(C1), "--fail", "CRAH-2", "--out", str(tmp_path),
            "--model", "accurate", "--cell-m", "0.3", "--quiet"]
    assert main(args) == 0
    data = json.loads((tmp_path / "report.json").read_text())
    edited = loads_layout(hand_failed(C1.read_text(), "CRAH-2"), "C1_failed.yaml")
    result = solve(edited, cell_m=0.3, model="accurate")
    assert data["scenario"]["racks"] == result_to_dict(
        result, edited, room_metrics.compute(result, edited))["racks"]
    base = data["baseline"]["racks"]
    assert all(r["inlet_max_c"] > base[k]["inlet_max_c"] for k, r in data["scenario"]["racks"].items())
