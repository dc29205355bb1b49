"""The telemetry commands: probe, record, demo, and simulate --telemetry [--at]."""
from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys

import pynvml
import pytest

from test_telemetry_nvml import FakeNvml
from twin.cli import main
from twin.model import bundled_layout, load_layout
from twin.telemetry import NO_DRIVER, NvmlSource, read_samples
from twin.telemetry.command import replay_power, run_demo, run_probe, run_record
from twin.telemetry.demo import demo_replay_path

REPLAY = str(demo_replay_path())


def test_probe_without_a_driver_prints_the_message_and_exits_0():
    done = subprocess.run([sys.executable, "-m", "twin", "telemetry", "probe"],
                          capture_output=True, text=True, timeout=60)
    if "telemetry off" not in done.stdout:
        pytest.skip("this machine has an NVIDIA driver")
    assert done.returncode == 0 and done.stdout == NO_DRIVER + "\n" and done.stderr == ""


def test_probe_prints_every_gpu():
    out = io.StringIO()
    fake = FakeNvml(gpus=2)
    fake.fail[("ecc", 1)] = pynvml.NVML_ERROR_NOT_SUPPORTED
    assert run_probe(NvmlSource(nvml=fake, host="node-1"), out) == 0
    text = out.getvalue()
    assert "NVML on node-1: 2 GPUs, driver 550.54.15" in text
    assert "node-1/0" in text and "300.0 W" in text and "55 C" in text and "0x4" in text
    assert "NVIDIA H100 80GB HBM3" in text and fake.shut_down


def record_args(path, count=3):
    return argparse.Namespace(out=str(path), interval=0.5, duration=None, count=count)


def test_record_writes_a_replay_file_that_reads_back(tmp_path, capsys):
    fake = FakeNvml(gpus=2)
    sleeps = []
    code = run_record(record_args(tmp_path / "r.csv"), NvmlSource(nvml=fake, host="n"), sleeps.append)
    assert code == 0 and len(sleeps) == 2 and all(0 <= s <= 0.5 for s in sleeps)
    samples = read_samples(tmp_path / "r.csv")
    assert len(samples) == 6 and {s.key for s in samples} == {("n", 0), ("n", 1)}
    assert "6 rows (3 readings)" in capsys.readouterr().err


def test_record_skips_stale_values_and_warns(tmp_path, capsys):
    fake = FakeNvml(gpus=2)
    fake.fail[("*", 1)] = pynvml.NVML_ERROR_GPU_IS_LOST
    run_record(record_args(tmp_path / "r.csv", 1), NvmlSource(nvml=fake, host="n"), lambda s: None)
    assert [s.gpu for s in read_samples(tmp_path / "r.csv")] == [0]
    assert "warning: GPU 1" in capsys.readouterr().err


def test_record_without_a_driver_fails_cleanly_and_writes_nothing(tmp_path, capsys):
    source = NvmlSource(nvml=FakeNvml(init_error=pynvml.NVML_ERROR_LIBRARY_NOT_FOUND))
    assert run_record(record_args(tmp_path / "r.csv"), source) == 2
    assert not (tmp_path / "r.csv").exists()
    assert capsys.readouterr().err == "dctwin: no NVIDIA driver found; nothing to record\n"


def test_record_to_an_unwritable_path(tmp_path, capsys):
    code = run_record(record_args(tmp_path / "no" / "r.csv"), NvmlSource(nvml=FakeNvml(), host="n"))
    assert code == 2 and "cannot write" in capsys.readouterr().err


def test_the_bundled_replay_drives_racks_b5_to_b8():
    layout = load_layout(bundled_layout("air_hall"))
    start = replay_power(layout, REPLAY, "2026-01-05T09:00:00Z")
    end = replay_power(layout, REPLAY)
    assert set(end.racks) == {"B5", "B6", "B7", "B8"} and end.unmapped == (("login-0", 0),)
    for rack in ("B5", "B8"):
        assert start.racks[rack].live_kw < 12 < 25 < end.racks[rack].live_kw <= 35


def test_simulate_with_telemetry_uses_the_recorded_power(tmp_path, capsys):
    out = tmp_path / "r.csv"
    code = main(["simulate", str(bundled_layout("air_hall")), "--model", "preview",
                 "--cell-m", "0.4", "--quiet", "--telemetry", REPLAY,
                 "--at", "2026-01-05T09:04:00Z", "--csv", str(out)])
    captured = capsys.readouterr()
    assert code == 0
    assert "telemetry at 2026-01-05T09:04:00Z: 4 racks on live power" in captured.err
    assert "1 GPU in no rack: login-0/0" in captured.err
    rows = {r["rack_id"]: r for r in csv.DictReader(io.StringIO(out.read_text()))}
    assert float(rows["B5"]["power_kw"]) == pytest.approx(22.5, abs=0.2)
    assert float(rows["B1"]["power_kw"]) == 15.0


@pytest.mark.parametrize("extra, message", [
    (["--telemetry", "missing.csv"], "cannot read missing.csv"),
    (["--telemetry", REPLAY, "--at", "soon"], "--at: not a time"),
    (["--telemetry", REPLAY, "--at", "2020-01-01T00:00:00Z"], "before the recording starts"),
    (["--at", "2026-01-05T09:04:00Z"], "--at needs --telemetry"),
])
def test_simulate_telemetry_input_errors(capsys, extra, message):
    code = main(["simulate", str(bundled_layout("air_hall")), "--quiet", "--model", "preview"]
                + extra)
    assert code == 2 and message in capsys.readouterr().err


def test_demo_plays_the_bundled_recording():
    out = io.StringIO()
    assert run_demo(argparse.Namespace(speed=30.0, frames=3), out, sleep=lambda s: None) == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 3 and lines[0].startswith("2026-01-05T09:00:00Z  hall") and "B5" in lines[0]


def test_the_replay_ships_with_the_layouts_but_is_not_a_layout():
    from pathlib import Path
    from twin.model import bundled_layout_names
    assert "default_hall_replay" not in bundled_layout_names()
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert '"layouts/*.csv"' in pyproject


def test_the_bundled_replay_is_what_the_generator_writes(tmp_path):
    from twin.telemetry.demo import write_demo
    write_demo(str(tmp_path / "again.csv"))
    assert (tmp_path / "again.csv").read_text() == demo_replay_path().read_text()
