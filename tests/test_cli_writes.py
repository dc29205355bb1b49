"""What the commands write: `--json -` to stdout, symlinks and read-only files, report folders
written whole or not at all, and `--check` on report and sweep (exit 3)."""
import csv
import io
import json
import os
from pathlib import Path

import pytest

import twin.report
from twin.cli import main
from twin.model import bundled_layout, dump_layout, load_layout, loads_layout

REPO = Path(__file__).resolve().parents[1]
SMALL = REPO / "twin" / "layouts" / "small_room.yaml"
GX8 = REPO / "tests" / "data" / "netbox" / "device-types" / "Acme" / "acme-gx8.yaml"
FAST = ["--model", "preview", "--cell-m", "0.4", "--quiet"]
REPORT = {"report.html", "racks.csv", "cooling_units.csv", "power.csv", "report.json"}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- stdout ---------------------------------------------------------------------

def test_simulate_json_to_stdout_is_the_only_thing_there(capsys):
    code, out, err = run(capsys, "simulate", str(SMALL), *FAST, "--json", "-")
    assert code == 0, err
    data = json.loads(out)                      # the whole of stdout is one JSON document
    racks = loads_layout(SMALL.read_text()).racks
    assert set(data["racks"]) == {r.id for r in racks}
    assert "RCI_HI" not in out and err == ""


def test_simulate_csv_to_stdout_and_two_outputs_on_stdout_refused(capsys, tmp_path):
    code, out, err = run(capsys, "simulate", str(SMALL), *FAST, "--csv", "-",
                         "--json", str(tmp_path / "r.json"))
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["rack_id"] for r in rows] == [r.id for r in loads_layout(SMALL.read_text()).racks]
    assert json.loads((tmp_path / "r.json").read_text())["racks"].keys() == {r["rack_id"] for r in rows}
    code, out, err = run(capsys, "simulate", str(SMALL), *FAST, "--csv", "-", "--json", "-")
    assert (code, out) == (2, "")
    assert err == "dctwin: only one output can go to stdout ('-')\n"


def test_sweep_json_to_stdout(capsys):
    code, out, err = run(capsys, "sweep", str(SMALL), *FAST, "--json", "-")
    assert code == 0, err
    data = json.loads(out)
    assert data["cases"] and data["ok"] is False and "N-1 sweep" not in out


# -- symlinks and read-only files -----------------------------------------------

def test_json_through_a_symlink_writes_the_target_and_keeps_the_link(capsys, tmp_path):
    (tmp_path / "results").mkdir()
    target = tmp_path / "results" / "today.json"
    target.write_text("old\n")
    link = tmp_path / "latest.json"
    link.symlink_to("results/today.json")
    code, _, err = run(capsys, "simulate", str(SMALL), *FAST, "--json", str(link))
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == "results/today.json"
    assert "racks" in json.loads(target.read_text())
    assert sorted(os.listdir(tmp_path / "results")) == ["today.json"]


def test_a_read_only_output_is_refused_with_exit_2(capsys, tmp_path):
    out = tmp_path / "keep.json"
    out.write_text("mine\n")
    out.chmod(0o444)
    code, stdout, err = run(capsys, "simulate", str(SMALL), *FAST, "--json", str(out))
    assert code == 2
    assert err == (f"dctwin: cannot write {out}: the file is read-only, so it was not "
                   "overwritten (make it writable or choose another file)\n")
    assert out.read_text() == "mine\n"


def test_a_read_only_layout_is_not_overwritten(capsys, tmp_path):
    layout = tmp_path / "room.yaml"
    text = bundled_layout("ab_failover_room").read_text()
    layout.write_text(text)
    layout.chmod(0o444)
    code, _, err = run(capsys, "import-devicetypes", str(GX8), "--layout", str(layout))
    assert code == 2 and f"cannot write {layout}: the file is read-only" in err
    assert layout.read_text() == text
    assert sorted(os.listdir(tmp_path)) == ["room.yaml"]          # no .bak, no temp file


def test_a_layout_saved_through_a_symlink_keeps_the_link(tmp_path):
    from twin.model import save_layout
    (tmp_path / "shared").mkdir()
    real = tmp_path / "shared" / "hall.yaml"
    real.write_text(SMALL.read_text())
    link = tmp_path / "hall.yaml"
    link.symlink_to(real)
    layout = load_layout(link)
    layout.name = "renamed"
    save_layout(layout, link)
    assert link.is_symlink() and load_layout(real).name == "renamed"
    assert (tmp_path / "shared" / "hall.yaml.bak").read_text() == SMALL.read_text()


# -- report folders ---------------------------------------------------------------

def report_args(out, *extra):
    unit = loads_layout(SMALL.read_text()).cooling_units[0].id
    return ["report", str(SMALL), "--fail", unit, "--out", str(out), *FAST, *extra]


def test_a_report_folder_is_created_whole_with_nothing_else_left(capsys, tmp_path):
    out = tmp_path / "a" / "b" / "rep"
    code, _, err = run(capsys, *report_args(out))
    assert code == 0, err
    assert set(os.listdir(out)) == REPORT
    assert os.listdir(tmp_path / "a" / "b") == ["rep"]            # no temporary folder


def test_an_existing_report_folder_needs_force(capsys, tmp_path):
    out = tmp_path / "rep"
    out.mkdir()
    (out / "report.html").write_text("old report\n")
    (out / "report.pdf").write_text("old pdf\n")
    (out / "notes.txt").write_text("mine\n")
    code, stdout, err = run(capsys, *report_args(out))
    assert code == 2 and stdout == ""
    assert err == f"dctwin: {out} exists and is not empty; use --force to replace its report files\n"
    assert (out / "report.html").read_text() == "old report\n"
    code, _, err = run(capsys, *report_args(out, "--force"))
    assert code == 0, err
    assert set(os.listdir(out)) == REPORT | {"notes.txt"}        # the stale pdf went with the report
    assert "<html" in (out / "report.html").read_text()
    assert (out / "notes.txt").read_text() == "mine\n"
    assert sorted(os.listdir(tmp_path)) == ["rep"]


def test_an_empty_existing_folder_is_used_without_force(capsys, tmp_path):
    out = tmp_path / "rep"
    out.mkdir()
    code, _, err = run(capsys, *report_args(out))
    assert code == 0, err
    assert set(os.listdir(out)) == REPORT


def fail_while_writing(monkeypatch):
    """report.html fails after the CSV tables and report.json are written."""
    def broken(study, **options):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(twin.report, "render", broken)


def test_a_failure_mid_write_leaves_no_partial_folder(capsys, tmp_path, monkeypatch):
    fail_while_writing(monkeypatch)
    out = tmp_path / "new" / "rep"
    code, _, err = run(capsys, *report_args(out))
    assert code == 2
    assert err == f"dctwin: cannot write the report into {out}: No space left on device\n"
    assert os.listdir(tmp_path) == []                             # not even the parent it made


def test_a_failure_mid_write_leaves_an_old_report_as_it_was(capsys, tmp_path, monkeypatch):
    out = tmp_path / "rep"
    out.mkdir()
    old = {"report.html": "old html\n", "racks.csv": "old csv\n", "notes.txt": "mine\n"}
    for name, text in old.items():
        (out / name).write_text(text)
    fail_while_writing(monkeypatch)
    code, _, err = run(capsys, *report_args(out, "--force"))
    assert code == 2 and "No space left on device" in err
    assert {p.name: p.read_text() for p in out.iterdir()} == old
    assert os.listdir(tmp_path) == ["rep"]


# -- --check ------------------------------------------------------------------------

def test_report_check_exits_3_when_the_scenario_fails(capsys, tmp_path):
    code, out, err = run(capsys, *report_args(tmp_path / "r1"))
    assert code == 0 and "FAILS" in out
    code, out, err = run(capsys, *report_args(tmp_path / "r2", "--check"))
    assert code == 3
    assert err.startswith("dctwin: check failed: ")
    assert set(os.listdir(tmp_path / "r2")) == REPORT            # still written


def test_report_check_exits_0_when_the_scenario_holds(capsys, tmp_path):
    layout = loads_layout(SMALL.read_text())
    rack = layout.racks[0]
    path = tmp_path / "room.yaml"
    path.write_text(SMALL.read_text() + (
        f"scenarios:\n  - name: lighter\n    edits:\n"
        f"      - {{action: set, target: {rack.id}, power_kw: {rack.power_kw / 2}}}\n"))
    code, out, err = run(capsys, "report", str(path), "--scenario", "lighter",
                         "--out", str(tmp_path / "o"), *FAST, "--check")
    assert code == 0, err
    assert "lighter: HOLDS" in out and "check failed" not in err


def test_sweep_check_exits_3_on_a_failing_case_and_0_when_all_hold(capsys, tmp_path):
    code, out, err = run(capsys, "sweep", str(SMALL), *FAST, "--check")
    unit = loads_layout(SMALL.read_text()).cooling_units[0].id
    assert code == 3
    assert f"dctwin: check failed: {unit} fails: no cooling unit left running\n" in err
    cool = load_layout(bundled_layout("symmetric_room"))
    for rack in cool.racks:                   # a fifth of the heat: either unit carries the room
        rack.power_kw = round(rack.power_kw * 0.2, 2)
    path = tmp_path / "cool.yaml"
    path.write_text(dump_layout(cool))
    code, out, err = run(capsys, "sweep", str(path), *FAST, "--units-only", "--check")
    assert code == 0, err
    assert "fails: OK" in out and "check failed" not in err
