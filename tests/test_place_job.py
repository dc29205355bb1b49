"""Job placement: fabric reach, fewest domains, busy GPUs from telemetry, cooler than
first fit on a room where first fit stacks the job in the hot corner; the CLI's files."""
from __future__ import annotations

import csv
import json

import pytest

from job_rooms import job_room, job_room_text
from twin.capacity.fabric import fabric_graph
from twin.capacity.jobs import JobError, inventory, place_job
from twin.cli import main
from twin.scenario import Runner
from twin.telemetry import GpuSample


def runner():
    return Runner(cell_m=0.3, model="preview")


def test_placement_beats_first_fit_on_the_hottest_intake():
    placed, naive = place_job(job_room(), 64, runner())
    assert naive.racks == ["H1", "H2"]                  # first fit: the hot corner
    assert placed.gpus == naive.gpus == 64
    assert placed.hottest_intake_c < naive.hottest_intake_c - 1.0
    assert placed.thermal_model == "preview"
    assert placed.cooling_kw <= naive.cooling_kw + 1e-6


def test_placement_never_leaves_the_fabric_reach():
    layout = job_room()
    assert "U1" not in {s.rack for s in inventory(layout)}    # no leaf serves it
    placed, naive = place_job(layout, 256, runner())          # every free GPU the fabric serves
    graph = fabric_graph(layout)
    for rack in placed.racks + naive.racks:
        reach = [graph.edges[leaf, rack]["cable_m"] for leaf in graph.neighbors(rack)]
        assert reach and min(reach) <= layout.network.max_cable_m
    with pytest.raises(JobError, match="--gpus must be 1 to 256"):
        place_job(layout, 257, runner())


def test_the_job_stays_in_the_fewest_domains():
    layout = job_room(split=True)                   # 128 GPUs behind each leaf
    small, _ = place_job(layout, 96, runner())
    assert small.domains == 1 and small.max_hops == 1
    big, _ = place_job(layout, 160, runner())
    assert big.domains == 2 and big.max_hops == 3   # leaf, spine, leaf


def test_busy_gpus_from_telemetry_are_not_free():
    layout = job_room()
    samples = [GpuSample(0.0, "c1-node0", g, utilization_pct=95.0 if g != 5 else 2.0)
               for g in range(8)]
    free = {(s.rack, s.index): s.free for s in inventory(layout, None)}
    assert free[("C1", 0)] == tuple(range(8))
    placed, _ = place_job(layout, 64, runner(), samples=samples)
    taken = {(s.rack, s.index): g for s, g in placed.servers}
    assert taken.get(("C1", 0), (5,)) == (5,)        # only its idle GPU 5 may be used
    assert placed.gpus == 64


def test_cli_writes_the_assignment_for_a_scheduler(tmp_path, capsys):
    layout = tmp_path / "room.yaml"
    layout.write_text(job_room_text())
    replay = tmp_path / "gpus.csv"
    replay.write_text("timestamp,host,gpu,utilization_pct\n" +
                      "".join(f"2026-01-05T09:00:00Z,c1-node0,{g},90\n" for g in range(8)) +
                      "2026-01-05T09:00:00Z,elsewhere,0,90\n")
    out_csv, out_json = tmp_path / "job.csv", tmp_path / "job.json"
    code = main(["place-job", str(layout), "--gpus", "64", "--telemetry", str(replay),
                 "--cell-m", "0.3", "--quiet", "--csv", str(out_csv), "--json", str(out_json)])
    assert code == 0
    rows = list(csv.DictReader(out_csv.open()))
    assert sum(int(r["gpus"]) for r in rows) == 64
    assert ("C1", "0") not in {(r["rack"], r["server"]) for r in rows}
    assert all(len(r["gpu_indices"].split()) == int(r["gpus"]) for r in rows)
    data = json.loads(out_json.read_text())
    assert data["placed"]["hottest_intake_c"] < data["first_fit"]["hottest_intake_c"]
    assert data["first_fit"]["racks"][0] == "H1"
    captured = capsys.readouterr()
    assert "first fit" in captured.out
    assert ("warning: telemetry hosts bound to no server, their GPUs are not known busy: "
            "elsewhere") in captured.err
    assert main(["place-job", "air_hall", "--gpus", "8", "--quiet"]) == 2
    assert "no free accelerators" in capsys.readouterr().err
    assert main(["place-job", str(layout), "--gpus", "8", "--telemetry",
                 str(tmp_path / "none.csv"), "--quiet"]) == 2
    assert "cannot read" in capsys.readouterr().err
