"""Workload replay: energy sums against hand-computed server powers, the thermal policy
against first fit on a room where first fit stacks jobs in the hot corner, the FIFO queue,
the state cache, trace errors naming file, line and field, and the command's files."""
from __future__ import annotations

import csv
import json

import pytest

from job_rooms import job_room_text, replay_room
from twin.capacity.jobs import JobError
from twin.capacity.replay import at_time, rack_power_at, replay
from twin.capacity.replay_output import format_replay, summary_rows
from twin.capacity.trace import TraceError, read_trace
from twin.cli import main
from twin.scenario import Runner

HEADER = "JobID,Submit,Start,End,AllocGPUs,power_pct\n"
IDLE_KW = 32 * 0.5 + 4 * 3.0          # served servers idle, the unserved rack U1 at typical


def _trace(tmp_path, rows: str, name: str = "trace.csv"):
    path = tmp_path / name
    path.write_text(rows)
    return path


def _at(hour: float) -> str:
    return f"2026-01-05T{int(hour):02d}:{int(hour % 1 * 60):02d}:00"


def _job(job_id, submit_h, run_h, gpus, power=100) -> str:
    return f"{job_id},{_at(submit_h)},{_at(submit_h)},{_at(submit_h + run_h)},{gpus},{power}\n"


def runner():
    return Runner(cell_m=0.3, model="preview")


def test_energy_is_the_sum_of_the_servers_powers_over_time(tmp_path):
    jobs = read_trace(_trace(tmp_path, HEADER + _job(1, 0, 2, 64, 100) + _job(2, 1, 3, 32, 50)))
    run = replay(replay_room(), jobs, "first-fit", runner(), confirm=0)
    # job 1: 8 servers from 0.5 to 4 kW for 2 h; job 2: 4 servers at 0.5 + 3.5 * 50 % for 3 h
    expected_kwh = IDLE_KW * 4 + 8 * 3.5 * 2 + 4 * 1.75 * 3
    assert run.hours == pytest.approx(4.0)
    assert run.it_kwh == pytest.approx(expected_kwh, rel=1e-9)
    assert [i.busy_gpus for i in run.intervals] == [64, 96, 32]
    assert run.cooling_kwh > 0
    assert run.facility_kwh == pytest.approx(run.it_kwh + run.cooling_kwh)   # no power chain
    day = replay(replay_room(), jobs, "first-fit", runner(), days=1, confirm=0)
    assert day.hours == pytest.approx(24.0)
    assert day.it_kwh == pytest.approx(expected_kwh + IDLE_KW * 20, rel=1e-9)
    short = replay(replay_room(), jobs, "first-fit", runner(), days=0.5 / 24, confirm=0)
    assert [j.job.job_id for j in short.jobs] == ["1"]     # job 2 is submitted after the end
    assert short.it_kwh == pytest.approx((IDLE_KW + 8 * 3.5) * 0.5, rel=1e-9)


def test_rack_powers_at_an_instant_are_those_of_the_jobs_running_then(tmp_path):
    jobs = read_trace(_trace(tmp_path, HEADER + _job(1, 0, 2, 64, 100) + _job(2, 1, 3, 32, 50)))
    layout = replay_room()
    run = replay(layout, jobs, "first-fit", runner(), confirm=0)
    t0 = run.intervals[0].start_s
    # at 1.5 h job 1 fills H1-H2 (8 servers at 4 kW), job 2 H3 (4 at 0.5 + 3.5 * 50 %)
    racks = rack_power_at(layout, run, t0 + 1.5 * 3600)
    assert racks == pytest.approx({"H1": 16.0, "H2": 16.0, "H3": 9.0, "H4": 2.0, "C1": 2.0,
                                   "C2": 2.0, "C3": 2.0, "C4": 2.0, "U1": 12.0})
    for interval in run.intervals:               # the racks add up to the IT power solved
        middle = (interval.start_s + interval.end_s) / 2
        assert at_time(run, middle) is interval
        assert sum(rack_power_at(layout, run, middle).values()) == pytest.approx(interval.state.it_kw)
    assert at_time(run, t0 - 1.0) is None and at_time(run, t0 + 99 * 3600) is run.intervals[-1]


def test_the_summary_rows_are_the_printed_table(tmp_path):
    jobs = read_trace(_trace(tmp_path, HEADER + _job(1, 0, 2, 64, 100)))
    runs = [replay(replay_room(), jobs, p, runner(), confirm=0) for p in ("thermal", "first-fit")]
    rows = summary_rows(runs)
    text = format_replay(runs, "title").splitlines()
    assert len(text) == len(rows) + 3                       # title, header, rows, verdict
    for (name, cells, difference), line in zip(rows, text[2:]):
        assert line.split() == (name.split() + [w for c in cells for w in c.split()]
                                + difference.split())
    hours = dict((name, cells) for name, cells, _ in rows)["hours above 27 °C"]
    assert hours == ["0.0 h", "2.0 h"]                      # first fit: the 2 job hours
    assert all(difference == "" for _, _, difference in summary_rows(runs[:1]))


def test_thermal_policy_keeps_jobs_out_of_the_hot_corner(tmp_path):
    rows = HEADER + _job(1, 0, 3, 64) + _job(2, 4, 3, 64) + _job(3, 8, 3, 64)
    jobs = read_trace(_trace(tmp_path, rows))
    naive = replay(replay_room(), jobs, "first-fit", runner(), confirm=0)
    placed = replay(replay_room(), jobs, "thermal", runner(), confirm=0)
    assert all(sorted({s.rack for s, _ in j.servers}) == ["H1", "H2"] for j in naive.jobs)
    assert all(len({s.rack for s, _ in j.servers}) > 2 for j in placed.jobs)   # spread out
    assert naive.hours_above_recommended == pytest.approx(9.0)   # every job hour above 27 °C
    assert placed.hours_above_recommended == 0.0
    assert placed.hottest.state.hottest_intake_c < naive.hottest.state.hottest_intake_c - 2.0
    assert placed.it_kwh == pytest.approx(naive.it_kwh, rel=1e-9)  # same work, same power


def test_a_job_waits_until_enough_gpus_are_free_and_the_queue_is_fifo(tmp_path):
    rows = HEADER + _job("small", 0, 2, 64) + _job("big", 0.5, 1, 256) + _job("late", 1, 1, 8)
    run = replay(replay_room(), read_trace(_trace(tmp_path, rows)), "first-fit", runner(), confirm=0)
    waits = {j.job.job_id: j.wait_s / 3600 for j in run.jobs}
    assert waits == pytest.approx({"small": 0.0, "big": 1.5, "late": 2.0})
    assert run.max_wait_h == pytest.approx(2.0)
    assert run.hours == pytest.approx(4.0)                       # big 2-3 h, then late 3-4 h


def test_power_states_seen_before_are_not_solved_again(tmp_path):
    rows = HEADER + _job(1, 0, 1, 64) + _job(2, 2, 1, 64)
    solver = runner()
    run = replay(replay_room(), read_trace(_trace(tmp_path, rows)), "first-fit", solver, confirm=0)
    assert len(run.intervals) == 3 and solver.solves == 2         # idle, and one job on H1-H2


def test_nodes_are_whole_servers(tmp_path):
    rows = "JobID,Submit,Start,End,NNodes\n1,0,0,3600,3\n"
    run = replay(replay_room(), read_trace(_trace(tmp_path, rows)), "first-fit", runner(), confirm=0)
    assert run.jobs[0].gpus == 24 and len(run.jobs[0].servers) == 3
    assert run.jobs[0].job.power_pct == 90.0                    # no power column: the default


@pytest.mark.parametrize("rows, message", [
    ("JobID,Submit,Start,AllocGPUs\n", "trace.csv:1: missing column(s) End"),
    (HEADER + "1,yesterday,0,60,8,90\n", "trace.csv:2: Submit: not a time: 'yesterday'"),
    (HEADER + _job(1, 0, 1, 8) + "2,0,120,60,8,90\n", "trace.csv:3: End: not after"),
    (HEADER + "1,100,50,160,8,90\n", "trace.csv:2: Start: before the job's submit time"),
    (HEADER + "1,0,0,60,0,90\n", "trace.csv:2: AllocGPUs: must be a whole number of at least 1"),
    (HEADER + "1,0,0,60,8,120\n", "trace.csv:2: power_pct: must be a number from 0 to 100"),
    (HEADER + "1,0,0,60,8,90\n1,0,0,60,8,90\n", "trace.csv:3: JobID: job '1' is already on line 2"),
    (HEADER + "1,0,0,Unknown,8,90\n", "trace.csv:2: End: not a time: 'Unknown'"),
    (HEADER, "trace.csv:2: the trace lists no jobs"),
])
def test_bad_trace_rows_name_file_line_and_field(tmp_path, rows, message):
    with pytest.raises(TraceError) as info:
        read_trace(_trace(tmp_path, rows))
    assert str(info.value).startswith(str(tmp_path / message.split(":")[0]) + message[9:])


def test_a_job_larger_than_the_room_is_refused_naming_its_line(tmp_path):
    jobs = read_trace(_trace(tmp_path, HEADER + _job(1, 0, 1, 8) + _job(7, 1, 1, 512)))
    with pytest.raises(JobError, match=r"job 7 \(trace line 3\) needs 512 GPUs; .* have 256"):
        replay(replay_room(), jobs, "thermal", runner(), confirm=0)


def test_cli_compares_both_policies_and_writes_the_series(tmp_path, capsys):
    layout = tmp_path / "room.yaml"
    layout.write_text(job_room_text())
    trace = _trace(tmp_path, HEADER + _job(1, 0, 2, 64) + _job(2, 1, 2, 64))
    out_csv, out_json = tmp_path / "series.csv", tmp_path / "replay.json"
    code = main(["replay", str(layout), "--trace", str(trace), "--cell-m", "0.3", "--quiet",
                 "--confirm", "0", "--csv", str(out_csv), "--json", str(out_json)])
    assert code == 0
    text = capsys.readouterr().out
    assert "\nthermal: 0.0 fewer hours" in text and "K lower (preview model)" in text
    assert "cooling energy" in text
    rows = list(csv.DictReader(out_csv.open()))
    for policy in ("thermal", "first-fit"):
        mine = [r for r in rows if r["policy"] == policy]
        assert sum(float(r["hours"]) for r in mine) == pytest.approx(3.0)
    data = json.loads(out_json.read_text())
    thermal, naive = data["policies"]
    assert thermal["hottest_intake_c"] < naive["hottest_intake_c"]
    assert naive["jobs"][0]["racks"] == ["H1", "H2"]
    kwh = sum(float(r["it_kw"]) * float(r["hours"]) for r in rows if r["policy"] == "thermal")
    assert thermal["it_kwh"] == pytest.approx(kwh, rel=1e-4)


def test_cli_reports_a_bad_row_without_a_traceback(tmp_path, capsys):
    layout = tmp_path / "room.yaml"
    layout.write_text(job_room_text())
    trace = _trace(tmp_path, HEADER + "1,0,0,60,eight,90\n")
    assert main(["replay", str(layout), "--trace", str(trace), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"{trace}:2: AllocGPUs: must be a whole number" in err and "Traceback" not in err


def test_cdu_loads_follow_the_jobs_on_liquid_cooled_racks(tmp_path):
    from twin.model import loads_layout
    from twin.model.resources import bundled_file
    text = bundled_file("liquid_row.yaml").read_text().split("scenarios:")[0] + (
        "network:\n  max_cable_m: 30\n  switches:\n"
        "    - {id: LEAF-1, kind: leaf, rack: G4, ports: 600, serves: [G1, G2, G3, G4, G5, G6, G7, G8]}\n")
    layout = loads_layout(text, "liquid_row_net.yaml")
    jobs = read_trace(_trace(tmp_path, HEADER + _job(1, 0, 2, 144, 100)))
    run = replay(layout, jobs, "first-fit", runner(), confirm=0)
    # GB200 NVL72: 85 % of 30 kW idle and of 132 kW at 100 % goes to the CDU of its rack
    assert [s.rack for s, _ in run.jobs[0].servers] == ["G1", "G2"]
    assert run.peak_cdu_kw["CDU-1"] == pytest.approx(2 * 0.85 * 132 + 2 * 0.85 * 30)
    assert run.peak_cdu_kw["CDU-2"] == pytest.approx(4 * 0.85 * 30)
    assert run.it_kwh == pytest.approx((2 * 132 + 6 * 30) * 2)
