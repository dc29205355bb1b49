"""The telemetry panel headless: no-driver message, GPU table, live rack power, stale values."""
import os
import sys

import pynvml
import pytest

from twin.gui.telemetry_panel import TelemetryPanel
from twin.telemetry import NvmlSource, SyntheticSource
from twin.telemetry.sample import OFF, STALE

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from test_telemetry_nvml import FakeNvml  # noqa: E402


@pytest.fixture
def panel(window, qtbot):
    p = window.telemetry
    yield p
    p.stop()


def test_the_window_starts_with_telemetry_off_without_a_driver(window, qtbot):
    label = window.statusBar().findChild(type(window.solve_label), "telemetryLabel")
    qtbot.waitUntil(lambda: label.text() != "", timeout=3000)
    if "telemetry off" not in label.text():
        pytest.skip("this machine has an NVIDIA driver")
    assert label.text() == "no NVIDIA driver found; telemetry off"
    assert window.telemetry.frame.state == OFF and not window.telemetry.poller.running


def test_synthetic_gpus_fill_the_tables_and_live_power_solves(window, panel, qtbot):
    panel.interval_s, panel.resolve_interval_s = 0.02, 0.0
    window.floor.set_color_mode("power")            # live power captions are drawn in power colours
    racks = [r.id for r in window.document.layout.racks[:2]]
    panel.start(source=SyntheticSource(hosts=racks + ["stray"], gpus_per_host=2, ramp_s=0.01))
    qtbot.waitUntil(lambda: panel.gpu_table.rowCount() == 6 and panel.rack_table.rowCount() == 2,
                    timeout=5000)
    assert panel.gpu_table.item(0, 0).text().endswith("/0")
    assert panel.live.unmapped == (("stray", 0), ("stray", 1))
    with qtbot.waitSignal(panel.sigSolve, timeout=5000) as blocker:
        panel.live_box.setChecked(True)
    live_layout = blocker.args[0]
    caption = window.floor.items[racks[0]].caption
    assert caption.endswith("kW live") and caption.startswith(f"{panel.live.racks[racks[0]].live_kw:.1f}")
    assert live_layout is not window.document.layout
    assert live_layout.rack(racks[0]).power_kw == pytest.approx(panel.live.racks[racks[0]].live_kw)
    qtbot.waitUntil(lambda: len(panel.poller.history.series((racks[0], 0), "power_w")[0]) >= 3,
                    timeout=5000)
    panel._update_sparklines()
    assert len(panel.power_curve.getData()[0]) >= 3
    with qtbot.waitSignal(panel.sigSolve, timeout=5000) as blocker:
        panel.live_box.setChecked(False)
    assert blocker.args[0] is window.document.layout
    qtbot.waitUntil(lambda: not window.floor.items[racks[0]].caption.endswith("live"), timeout=5000)


def test_a_lost_gpu_shows_stale_values_and_a_warning(window, panel, qtbot):
    fake = FakeNvml(gpus=2)
    panel.interval_s = 0.02
    panel.start(source=NvmlSource(nvml=fake, host="node-1"))
    qtbot.waitUntil(lambda: panel.gpu_table.rowCount() == 2, timeout=5000)
    fake.fail[("*", 1)] = pynvml.NVML_ERROR_GPU_IS_LOST
    qtbot.waitUntil(lambda: panel.gpu_table.item(1, 6).text() == "stale", timeout=5000)
    assert panel.frame.state == STALE and "GPU 1" in window.statusBar().currentMessage()
    assert panel.gpu_table.item(1, 1).text() == "301"
    assert "stale" in panel.state_label.text()


def test_a_standalone_panel_stops_its_thread(qtbot, window):
    p = TelemetryPanel(window.document, interval_s=0.01)
    qtbot.addWidget(p)
    p.start(source=SyntheticSource(hosts=["x"], gpus_per_host=1))
    qtbot.waitUntil(lambda: p.frame is not None, timeout=5000)
    thread = p.poller._thread
    p.stop()
    assert not thread.is_alive() and p.poller is None


def test_the_interval_is_a_setting(window, panel):
    panel.interval_box.setValue(5.0)
    assert panel.interval_s == 5.0 and float(window.settings.value("telemetry/interval_s")) == 5.0


def test_an_impossible_power_reading_is_flagged_in_the_gpu_table():
    from twin.gui.telemetry_panel import _status
    from twin.telemetry.sample import GpuSample
    assert _status(GpuSample(0.0, "h", 0, power_w=700.0)) == "ok"
    for power_w in (-5.0, float("nan"), 1e9):
        assert _status(GpuSample(0.0, "h", 0, power_w=power_w)) == "power ignored"
    assert _status(GpuSample(0.0, "h", 0, power_w=-5.0, stale=True)) == "stale"
