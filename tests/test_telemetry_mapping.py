"""Binding hosts to racks, rack heat from GPU power, history bounds, debounced re-solves."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from twin.model import loads_layout
from twin.telemetry import (Debouncer, GpuSample, History, Poller, RingBuffer, SyntheticSource,
                            apply_live_power, bindings, live_power)
from twin.telemetry.mapping import REST_KW_PER_GPU
from twin.telemetry.sample import Frame

LAYOUT = """\
dctwin: 1
room:
  size_m: [8.0, 6.0, 3.0]
cooling_units:
  - {id: CRAH-1, position_m: [0.0, 1.8], size_m: [0.8, 2.4, 2.0], airflow_m3s: 6.0, supply_temp_c: 18.0}
racks:
  - id: A1
    position_m: [2.4, 1.2]
    size_m: [0.6, 1.2, 2.0]
    facing: "+y"
    delta_t_k: 12.0
    equipment:
      - {model: dgx-h100, position_u: 1, count: 2}
      - {model: gb200-nvl72, position_u: 17, count: 0}
  - {id: A2, position_m: [3.0, 1.2], size_m: [0.6, 1.2, 2.0], facing: "+y", power_kw: 20, delta_t_k: 12.0}
  - {id: A3, position_m: [3.6, 1.2], size_m: [0.6, 1.2, 2.0], facing: "+y", power_kw: 9, delta_t_k: 12.0}
  - {id: L1, position_m: [4.2, 1.2], size_m: [0.6, 1.2, 2.0], facing: "+y", power_kw: 9, delta_t_k: 12.0}
telemetry:
  hosts:
    - {host: dgx-a1-1, rack: A1, server: 1}
    - {host: node-7, rack: A2, model: dgx-h100}
    - {host: node-8, rack: A2, rest_kw: 1.0}
    - {host: node-9, rack: A3}
"""


@pytest.fixture
def layout():
    return loads_layout(LAYOUT.replace("      - {model: gb200-nvl72, position_u: 17, count: 0}\n", ""))


def gpus(host, watts, count=8, stale=False):
    return [GpuSample(0.0, host, i, power_w=watts, stale=stale) for i in range(count)]


def test_explicit_and_implicit_bindings(layout):
    bound = bindings(layout, ["dgx-a1-1", "node-7", "A3", "L1-0", "A1-0", "A1-5", "login", "X-1"])
    assert (bound["dgx-a1-1"].rack_id, bound["dgx-a1-1"].server) == ("A1", 1)
    assert bound["dgx-a1-1"].kind.model == "dgx-h100"
    assert bound["node-7"].kind.model == "dgx-h100" and bound["node-7"].server is None
    assert (bound["A3"].rack_id, bound["A3"].server) == ("A3", None)
    assert (bound["L1-0"].rack_id, bound["L1-0"].server) == ("L1", None)   # no equipment
    assert (bound["A1-0"].rack_id, bound["A1-0"].server) == ("A1", 0)
    assert bound["A1-5"].server is None                                     # no such server
    assert "login" not in bound and "X-1" not in bound
    assert "node-9" in bound                                                # explicit, no data yet


def test_rack_heat_is_gpu_power_plus_the_rest_of_the_server(layout):
    samples = gpus("dgx-a1-1", 650.0) + gpus("node-7", 500.0) + gpus("node-8", 100.0, count=4) \
        + gpus("login", 50.0, count=2)
    live = live_power(layout, samples, 42.0)
    a1, a2 = live.racks["A1"], live.racks["A2"]
    # A1: server 1 live (8 x 650 W + DGX H100 idle 2.0 kW), server 0 keeps its design 8.0 kW.
    assert a1.live_kw == pytest.approx(5.2 + 2.0 + 8.0) and a1.design_kw == pytest.approx(16.0)
    # A2 lists no equipment: only its hosts count (model idle as rest; rest_kw given).
    assert a2.live_kw == pytest.approx((4.0 + 2.0) + (0.4 + 1.0))
    assert "A3" not in live.racks and live.timestamp_s == 42.0
    assert live.unmapped == (("login", 0), ("login", 1))
    assert live.silent_hosts == ("node-9",)
    kw = live.rack_kw(layout)
    assert kw["A3"] == 9 and kw["A2"] == pytest.approx(7.4)
    assert live.rack_kw(layout, live=False)["A2"] == 20


def test_unknown_model_uses_a_per_gpu_rest_and_stale_is_reported(layout):
    live = live_power(layout, gpus("A3", 300.0, count=4, stale=True))
    assert live.racks["A3"].live_kw == pytest.approx(1.2 + 4 * REST_KW_PER_GPU)
    assert live.racks["A3"].stale


def test_liquid_share_leaves_the_air(layout):
    text = LAYOUT.replace("dgx-h100, position_u: 1, count: 2", "gb200-nvl72, position_u: 1, count: 1")
    text = text.replace("      - {model: gb200-nvl72, position_u: 17, count: 0}\n", "")
    text = text.replace("delta_t_k: 12.0\n    equipment",
                                                         "delta_t_k: 12.0\n    height_u: 48\n    equipment")
    text = text.replace("{host: dgx-a1-1, rack: A1, server: 1}", "{host: nvl-0, rack: A1, server: 0}")
    lay = loads_layout(text)
    live = live_power(lay, gpus("nvl-0", 1000.0, count=72))
    assert live.racks["A1"].live_kw == pytest.approx((72.0 + 30.0) * 0.15)


def test_apply_live_power_changes_a_copy_only(layout):
    live = live_power(layout, gpus("dgx-a1-1", 650.0) + gpus("A3", 100.0))
    out = apply_live_power(layout, live)
    assert out.rack("A1").power_kw == pytest.approx(15.2) and out.rack("A1").equipment == []
    assert out.rack("A3").power_kw == pytest.approx(0.8 + 8 * REST_KW_PER_GPU)
    assert out.rack("A2").power_kw == 20
    assert layout.rack("A1").power_kw == pytest.approx(16.0) and layout.rack("A1").equipment


def test_ring_buffer_keeps_the_last_values_in_order():
    ring = RingBuffer(3)
    for i in range(5):
        ring.append(float(i), 10.0 * i)
    times, values = ring.arrays()
    assert len(ring) == 3 and times.tolist() == [2, 3, 4] and values.tolist() == [20, 30, 40]
    assert ring.last() == 40
    with pytest.raises(ValueError):
        RingBuffer(0)


def test_history_is_bounded_and_skips_stale_values():
    history = History(capacity=4, max_gpus=2)
    for t in range(10):
        samples = (GpuSample(t, "h", 0, power_w=t, temperature_c=50), GpuSample(t, "h", 1, power_w=1, stale=True),
                   GpuSample(t, "h", 2, power_w=2), GpuSample(t, "h", 3, power_w=3))
        history.add(Frame(t, samples))
    assert history.keys() == [("h", 0), ("h", 2)]          # stale-only h/1 holds no buffer
    times, values = history.series(("h", 0), "power_w")
    assert times.tolist() == [6, 7, 8, 9] and values.tolist() == [6, 7, 8, 9]
    assert len(history.series(("nope", 0), "power_w")[0]) == 0


def test_history_starts_afresh_when_time_goes_back():
    history = History(capacity=8)
    for t in (10, 11, 12, 0, 1):
        history.add(Frame(t, (GpuSample(t, "h", 0, power_w=t),)))
    assert history.series(("h", 0), "power_w")[0].tolist() == [0, 1]


def test_debouncer_waits_for_the_interval_and_a_real_change():
    now = [0.0]
    d = Debouncer(10.0, 0.5, clock=lambda: now[0])
    assert d.due({"A": 10.0})
    now[0] = 5.0
    assert not d.due({"A": 20.0})                            # too soon
    now[0] = 11.0
    assert not d.due({"A": 10.3})                            # no real change
    assert d.due({"A": 12.0})
    now[0] = 30.0
    assert d.due({"A": 12.0, "B": 1.0})                      # a new rack counts


def test_poller_runs_off_the_calling_thread_and_resolves_debounced(layout):
    source = SyntheticSource(hosts=["dgx-a1-1", "A3", "stray"], gpus_per_host=2, ramp_s=0.01)
    frames, solves, threads = [], [], set()
    done = threading.Event()

    def on_frame(frame, live):
        frames.append((frame, live))
        threads.add(threading.current_thread().name)
        if len(frames) >= 5:
            done.set()

    poller = Poller(source, layout, interval_s=0.01, resolve_interval_s=60.0,
                    on_frame=on_frame, on_resolve=solves.append)
    poller.start()
    assert done.wait(5.0)
    poller.stop()
    assert not poller.running and threads == {"dctwin-telemetry"}
    assert len(solves) == 1 and set(solves[0].racks) == {"A1", "A3"}
    assert frames[-1][1].unmapped == (("stray", 0), ("stray", 1))
    assert len(poller.history.series(("A3", 0), "power_w")[0]) >= 5


def test_a_source_that_raises_does_not_stop_the_poller(layout):
    class Broken(SyntheticSource):
        def read(self):
            raise RuntimeError("boom")
    poller = Poller(Broken(), layout, interval_s=0.01)
    frame = poller.poll_once()
    assert frame.state == "stale" and "boom" in frame.message and poller.errors == 1


def test_synthetic_source_ramps_up_deterministically():
    now = [0.0]
    a = SyntheticSource(hosts=["h"], gpus_per_host=2, ramp_s=100, clock=lambda: now[0])
    b = SyntheticSource(hosts=["h"], gpus_per_host=2, ramp_s=100, clock=lambda: now[0])
    a.open(), b.open()
    idle = a.read()
    now[0] = 200.0
    busy = a.read()
    assert busy == b.read()
    assert all(s.power_w == 70.0 for s in idle.samples)
    assert all(s.power_w > 500 for s in busy.samples)
    assert np.all([s.temperature_c > 60 for s in busy.samples])
