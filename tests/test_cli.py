"""The `dctwin` command: real preview solves on a small room, exit codes, JSON/CSV, Ctrl-C."""
import contextlib
import csv
import io
import json
import math
import os
import re
import signal
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

import twin
import twin.thermal
from twin import cli
from twin.cli import common as cli_common, progress as cli_progress
from twin.thermal.export import CSV_COLUMNS, write_json
from twin.thermal.results import RackResult, ThermalResult, UnitResult

REPO_ROOT = Path(__file__).resolve().parents[1]
SMALL_ROOM = REPO_ROOT / "layouts" / "small_room.yaml"
COARSE = ["--model", "preview", "--cell-m", "0.3"]

CONTRACT = {
    "top": {"layout", "solve_seconds", "grid", "racks", "cooling_units", "energy_balance", "metrics"},
    "grid": {"cell_m", "cells"},
    "rack": {"inlet_mean_c", "inlet_max_c", "inlet_lower_c", "inlet_middle_c", "inlet_upper_c",
             "exhaust_mean_c", "power_kw", "airflow_m3s"},
    "unit": {"state", "return_temp_c", "load_kw"},
    "energy_balance": {"it_power_kw", "removed_kw", "error_pct"},
    "metrics": {"ashrae_class", "rci_hi_pct", "rci_lo_pct", "rti_pct", "shi",
                "racks_above_recommended"},
}


def run_main(argv):
    """Run cli.main in-process; returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def strict_json(path):
    """Load JSON, failing on NaN/Infinity, which are not valid JSON."""
    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")
    return json.loads(Path(path).read_text(encoding="utf-8"), parse_constant=refuse)


def fake_solve(layout, cell_m=0.2, model="accurate", progress=None, cancel=None, **options):
    """A quick stand-in solver: fixed temperatures, every unit but the first failed."""
    if progress:
        progress(0.5, "fake")
    racks = {r.id: RackResult(r.id, 22.0, 28.0 if i == 0 else 24.0, 21.0, 22.0, 23.0, 32.0,
                              r.power_kw, r.airflow(layout.air))
             for i, r in enumerate(layout.racks)}
    units = {u.id: UnitResult(u.id, "running" if i == 0 else "failed",
                              30.0 if i == 0 else float("nan"), layout.it_power_kw if i == 0 else 0.0,
                              u.supply_temp_c, u.airflow_m3s)
             for i, u in enumerate(layout.cooling_units)}
    return ThermalResult(layout.name, model, cell_m, 1000, 0.01, racks, units,
                         layout.it_power_kw, layout.it_power_kw,
                         np.full((2, 2, 2), 22.0), np.zeros((2, 2, 2, 3)), iterations=1)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    """One real preview solve of the small room, written to JSON and CSV."""
    out = tmp_path_factory.mktemp("simulate")
    code, stdout, stderr = run_main(["simulate", str(SMALL_ROOM), *COARSE, "--quiet",
                                     "--json", str(out / "r.json"), "--csv", str(out / "r.csv")])
    return types.SimpleNamespace(code=code, stdout=stdout, stderr=stderr, out=out)


def test_simulate_writes_the_json_contract(simulated):
    assert simulated.code == 0, simulated.stderr
    data = strict_json(simulated.out / "r.json")
    assert CONTRACT["top"] <= set(data)
    assert isinstance(data["layout"], str) and isinstance(data["solve_seconds"], float)
    assert CONTRACT["grid"] <= set(data["grid"]) and data["grid"]["cell_m"] == 0.3
    assert isinstance(data["grid"]["cells"], int) and data["grid"]["cells"] > 0
    assert data["racks"] and data["cooling_units"]
    for rack in data["racks"].values():
        assert CONTRACT["rack"] <= set(rack)
        assert all(isinstance(v, float) for v in rack.values())
    for unit in data["cooling_units"].values():
        assert CONTRACT["unit"] <= set(unit) and unit["state"] in ("running", "failed")
    assert CONTRACT["energy_balance"] <= set(data["energy_balance"])
    assert CONTRACT["metrics"] <= set(data["metrics"])
    assert isinstance(data["metrics"]["racks_above_recommended"], list)
    assert set(data["metrics"]["racks_above_recommended"]) <= set(data["racks"])


def test_simulate_prints_the_table_and_writes_csv(simulated):
    data = strict_json(simulated.out / "r.json")
    for heading in ("intake", "cooling unit", "Energy balance", "RCI_HI", "Grid:", "Solve time:"):
        assert heading in simulated.stdout
    assert all(rid in simulated.stdout for rid in data["racks"])
    assert simulated.stderr.strip() == "" or "warning" in simulated.stderr   # --quiet
    with open(simulated.out / "r.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [row[0] for row in rows[1:]] == list(data["racks"])


def test_malformed_layout_is_one_line_and_exit_2(tmp_path):
    text = SMALL_ROOM.read_text(encoding="utf-8")
    bad_text, count = re.subn(r"power_kw:\s*[0-9.]+", "power_kw: lots", text, count=1)
    assert count == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text(bad_text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "twin", "simulate", str(bad), *COARSE],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert re.match(rf"^{re.escape(str(bad))}:\d+: racks\[\d+\]\.power_kw: ", lines[0]), lines[0]


def test_missing_file_exits_2_with_a_clear_message(tmp_path):
    code, _, stderr = run_main(["simulate", str(tmp_path / "nowhere.yaml")])
    assert code == 2
    assert stderr.strip() == f"dctwin: layout file not found: {tmp_path / 'nowhere.yaml'}"


def test_version():
    code, stdout, _ = run_main(["--version"])
    assert code == 0 and stdout.strip() == f"dctwin {twin.__version__}"


def test_bad_option_is_a_usage_error():
    code, _, stderr = run_main(["simulate", str(SMALL_ROOM), "--cell-m", "-1"])
    assert code == 2 and "--cell-m" in stderr


def test_ctrl_c_cancels_the_real_solver_cleanly(monkeypatch):
    real_solve = twin.thermal.solve
    previous_handler = signal.getsignal(signal.SIGINT)

    def solve_then_press_ctrl_c(layout, progress=None, **kwargs):
        def progress_and_interrupt(fraction, message):
            os.kill(os.getpid(), signal.SIGINT)      # the CLI's handler sets its cancel flag
        return real_solve(layout, progress=progress_and_interrupt, **kwargs)

    monkeypatch.setattr(twin.thermal, "solve", solve_then_press_ctrl_c)
    code, stdout, stderr = run_main(["simulate", str(SMALL_ROOM), *COARSE])
    assert code == 130
    assert stderr.strip().splitlines()[-1] == "cancelled"
    assert "Traceback" not in stderr and stdout == ""
    assert signal.getsignal(signal.SIGINT) is previous_handler


def test_second_ctrl_c_stops_a_solver_that_does_not_poll(monkeypatch):
    def deaf_solve(layout, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)          # sets the flag, never polled
        os.kill(os.getpid(), signal.SIGINT)          # raises KeyboardInterrupt
        raise AssertionError("not reached")
    monkeypatch.setattr(twin.thermal, "solve", deaf_solve)
    code, _, stderr = run_main(["simulate", str(SMALL_ROOM), "--quiet"])
    assert code == 130 and stderr.strip() == "cancelled"


def test_sigint_flag_sets_and_restores():
    before = signal.getsignal(signal.SIGINT)
    with cli_progress.sigint_flag() as cancelled:
        assert not cancelled()
        os.kill(os.getpid(), signal.SIGINT)
        assert cancelled()
    assert signal.getsignal(signal.SIGINT) is before


def test_no_command_without_display_simulates_the_default_hall(monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    models = []

    def quick_solve(layout, **kwargs):
        models.append(kwargs["model"])
        return fake_solve(layout, **kwargs)

    monkeypatch.setattr(twin.thermal, "solve", quick_solve)
    monkeypatch.setattr(cli_common, "gui_available", lambda: True)   # even with the app installed
    code, stdout, stderr = run_main([])
    assert code == 0, stderr
    assert "default_hall" in stderr and "headless" in stderr and models == ["accurate"]
    assert "RCI_HI" in stdout and "Energy balance" in stdout


def test_no_command_with_display_launches_the_app(monkeypatch):
    calls = []
    fake_gui = types.ModuleType("twin.gui")
    fake_gui.main = lambda argv: calls.append(argv) or 0
    monkeypatch.setitem(sys.modules, "twin.gui", fake_gui)
    monkeypatch.setattr(twin, "gui", fake_gui, raising=False)
    monkeypatch.setattr(cli_common, "gui_available", lambda: True)
    monkeypatch.setattr(cli_common, "display_available", lambda: True)
    assert run_main([])[0] == 0 and calls == [[]]


def test_fake_solve_nan_becomes_null_in_json(monkeypatch, tmp_path):
    monkeypatch.setattr(twin.thermal, "solve", fake_solve)
    code, stdout, stderr = run_main(["simulate", str(SMALL_ROOM), "--quiet",
                                     "--json", str(tmp_path / "r.json")])
    assert code == 0, stderr
    data = strict_json(tmp_path / "r.json")
    first_rack = next(iter(data["racks"]))
    assert data["metrics"]["racks_above_recommended"] == [first_rack]
    failed = [u for u in data["cooling_units"].values() if u["state"] == "failed"]
    assert all(u["return_temp_c"] is None for u in failed)
    assert "above recommended" in stdout


def test_solver_error_is_one_line_exit_2(monkeypatch):
    def refuse(layout, **kwargs):
        raise twin.thermal.SolverError("no running cooling unit")
    monkeypatch.setattr(twin.thermal, "solve", refuse)
    code, _, stderr = run_main(["simulate", str(SMALL_ROOM), "--quiet"])
    assert code == 2 and stderr.strip() == "dctwin: no running cooling unit"


def test_unexpected_error_hides_traceback_unless_debug(monkeypatch):
    def explode(layout, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(twin.thermal, "solve", explode)
    code, _, stderr = run_main(["simulate", str(SMALL_ROOM), "--quiet"])
    assert code == 1 and "Traceback" not in stderr
    assert "boom" in stderr and "run with --debug for details" in stderr
    code, _, stderr = run_main(["simulate", str(SMALL_ROOM), "--quiet", "--debug"])
    assert code == 1 and "Traceback" in stderr


def test_unwritable_output_exits_2(monkeypatch, tmp_path):
    monkeypatch.setattr(twin.thermal, "solve", fake_solve)
    target = tmp_path / "no" / "such" / "dir" / "r.json"
    code, _, stderr = run_main(["simulate", str(SMALL_ROOM), "--quiet", "--json", str(target)])
    assert code == 2 and stderr.startswith(f"dctwin: cannot write {target}")


class ClosedPipe(io.StringIO):
    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")


def test_closed_stdout_stops_quietly(monkeypatch):
    monkeypatch.setattr(twin.thermal, "solve", fake_solve)
    err = io.StringIO()
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    with contextlib.redirect_stderr(err):
        code = cli.main(["simulate", str(SMALL_ROOM), "--quiet"])
    assert code == 141 and err.getvalue() == ""


def test_write_json_is_strict_and_atomic(tmp_path):
    target = tmp_path / "x.json"
    write_json(target, {"a": float("nan"), "b": [np.float64(1.5), float("inf")], "c": "ok"})
    assert strict_json(target) == {"a": None, "b": [1.5, None], "c": "ok"}
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


class FakeStream(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


def test_progress_rewrites_one_line_on_a_tty_and_prints_lines_otherwise():
    tty = FakeStream(True)
    progress = cli_progress.Progress(tty)
    progress(0.1, "step")
    progress(1.0, "done")
    progress.finish()
    assert "\r" in tty.getvalue() and "\n" not in tty.getvalue()
    plain = FakeStream(False)
    progress = cli_progress.Progress(plain)
    for i in range(101):
        progress(i / 100, "step")
    lines = plain.getvalue().splitlines()
    assert 10 <= len(lines) <= 12 and "\r" not in plain.getvalue()
    quiet = FakeStream(False)
    cli_progress.Progress(quiet, enabled=False)(0.5, "x")
    assert quiet.getvalue() == ""
    assert math.isfinite(progress.started)


@pytest.mark.parametrize("command", [["report", "--fail", "CRAH-1", "--out", "{tmp}"], ["setpoint"], ["sweep"]])
def test_ctrl_c_in_a_study_command_prints_cancelled(monkeypatch, tmp_path, command):
    real_solve = twin.thermal.solve

    def solve_then_press_ctrl_c(layout, progress=None, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)          # the flag is set; the solver sees it
        return real_solve(layout, progress=progress, **kwargs)

    monkeypatch.setattr(twin.thermal, "solve", solve_then_press_ctrl_c)
    args = [a.replace("{tmp}", str(tmp_path / "rep")) for a in command]
    code, _, stderr = run_main([args[0], str(SMALL_ROOM), *args[1:], "--quiet", "--model", "preview"])
    assert code == 130
    assert stderr.strip().splitlines()[-1] == "cancelled"
    assert "internal error" not in stderr and "Traceback" not in stderr


def test_check_passes_a_sound_room_and_fails_a_hot_one():
    layouts = Path(twin.__file__).parent / "layouts"
    code, stdout, stderr = run_main(["simulate", str(SMALL_ROOM), "--check", *COARSE, "--quiet"])
    assert code == 0 and "check failed" not in stderr
    code, stdout, stderr = run_main(["simulate", str(layouts / "failed_unit_room.yaml"), "--check",
                                     *COARSE, "--quiet"])
    assert code == 3 and "ABOVE ALLOWABLE" in stdout        # the table is still printed
    lines = [line for line in stderr.splitlines() if "check failed" in line]
    assert len(lines) == 1 and "above the ASHRAE A1 allowable 32 °C intake" in lines[0]


def test_check_fails_on_the_n_minus_1_failover():
    layouts = Path(twin.__file__).parent / "layouts"
    code, _, stderr = run_main(["simulate", str(layouts / "ab_failover_room.yaml"), "--check",
                                *COARSE, "--quiet"])
    assert code == 3 and "N-1 failover: 6 problems" in stderr
    code, _, _ = run_main(["simulate", str(layouts / "ab_failover_room.yaml"), *COARSE, "--quiet"])
    assert code == 0                                         # without --check a report, not a gate
