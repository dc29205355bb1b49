"""Replay files: reading, writing, timing at real and accelerated speed, end, loop and seek."""
from __future__ import annotations

import io

import pytest

from twin.telemetry import (COLUMNS, ENDED, OFF, GpuSample, Recording, ReplayError, ReplaySource,
                            ReplayWriter, read_samples)
from twin.telemetry.csvfile import format_timestamp, parse_timestamp
from twin.telemetry.sample import CONNECTED, Frame

T0 = parse_timestamp("2026-01-05T09:00:00Z")
TEXT = """\
timestamp,host,gpu,power_w,temperature_c,utilization_pct,extra
2026-01-05T09:00:00Z,n-0,0,100,40,10,x
2026-01-05T09:00:00Z,n-0,1,110,41,,x
2026-01-05T09:00:10Z,n-0,0,400,60,90,x
2026-01-05T09:00:20Z,n-1,0,700,70,100,x
2026-01-05T09:00:30Z,n-0,1,500,66,95,x
"""


class Clock:
    def __init__(self, now=100.0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def replay_file(tmp_path):
    path = tmp_path / "replay.csv"
    path.write_text(TEXT)
    return path


def test_timestamps_iso_with_zone_naive_utc_and_epoch_seconds():
    assert parse_timestamp("2026-01-05T09:00:00Z") == T0
    assert parse_timestamp("2026-01-05T10:00:00+01:00") == T0
    assert parse_timestamp("2026-01-05 09:00:00") == T0
    assert parse_timestamp(str(T0)) == T0
    assert format_timestamp(T0) == "2026-01-05T09:00:00Z"
    assert format_timestamp(T0 + 0.25) == "2026-01-05T09:00:00.250Z"


def test_reads_rows_with_empty_cells_as_none_and_ignores_unknown_columns(replay_file):
    samples = read_samples(replay_file)
    assert len(samples) == 5
    assert samples[1] == GpuSample(T0, "n-0", 1, power_w=110.0, temperature_c=41.0)
    assert samples[3].timestamp_s == T0 + 20


@pytest.mark.parametrize("row, message", [
    ("yesterday,n-0,0,1", ":3: timestamp: not a time"),
    ("2026-01-05T09:00:00Z,,0,1", ":3: host: missing"),
    ("2026-01-05T09:00:00Z,n,zero,1", ":3: gpu: must be a whole number"),
    ("2026-01-05T09:00:00Z,n,0,lots", ":3: power_w: not a number"),
    ("2026-01-05T09:00:00Z,n,0,nan", ":3: power_w: must be a number from 0 to 10000"),
])
def test_bad_rows_name_file_line_and_column(tmp_path, row, message):
    path = tmp_path / "bad.csv"
    path.write_text("timestamp,host,gpu,power_w\n2026-01-05T09:00:00Z,n,0,5\n" + row + "\n")
    with pytest.raises(ReplayError) as info:
        read_samples(path)
    assert str(info.value).startswith(str(path)) and message in str(info.value)


def test_a_missing_column_or_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("time,host,gpu\n")
    with pytest.raises(ReplayError, match="missing column.*timestamp"):
        read_samples(path)
    path.write_text("timestamp,host,gpu\n")
    with pytest.raises(ReplayError, match="no rows"):
        Recording.load(path)


def test_state_at_a_time_is_each_gpus_latest_row(replay_file):
    rec = Recording.load(replay_file)
    assert (rec.start_s, rec.duration_s) == (T0, 30.0)
    assert rec.at(T0 - 1) == ()
    at15 = {s.key: s.power_w for s in rec.at(T0 + 15)}
    assert at15 == {("n-0", 0): 400.0, ("n-0", 1): 110.0}
    at99 = {s.key: s.power_w for s in rec.at(T0 + 99)}
    assert at99 == {("n-0", 0): 400.0, ("n-0", 1): 500.0, ("n-1", 0): 700.0}
    assert {s.key: s.power_w for s in rec.at(T0 + 15)} == at15          # back in time


def test_plays_at_real_speed(replay_file):
    clock = Clock()
    source = ReplaySource(replay_file, clock=clock)
    assert source.open().state == CONNECTED
    assert source.read().timestamp_s == T0 and len(source.read().samples) == 2
    clock.now += 9.9
    assert {s.power_w for s in source.read().samples} == {100.0, 110.0}
    clock.now += 0.1
    frame = source.read()
    assert frame.timestamp_s == pytest.approx(T0 + 10) and frame.state == CONNECTED
    assert {s.power_w for s in frame.samples} == {400.0, 110.0}


def test_plays_accelerated_then_ends_keeping_the_last_values(replay_file):
    clock = Clock()
    source = ReplaySource(replay_file, speed=10.0, clock=clock)
    source.open()
    clock.now += 2.0                    # 20 recorded seconds
    assert len(source.read().samples) == 3
    clock.now += 1.0
    frame = source.read()
    assert frame.state == ENDED == source.state and frame.timestamp_s == T0 + 30
    assert len(frame.samples) == 3


def test_loops_when_asked(replay_file):
    clock = Clock()
    source = ReplaySource(replay_file, speed=10.0, loop=True, clock=clock)
    source.open()
    clock.now += 3.5                    # 35 s into a 30 s file: 5 s into the second pass
    frame = source.read()
    assert frame.state == CONNECTED and frame.timestamp_s == pytest.approx(T0 + 5, abs=1e-6)


def test_seek(replay_file):
    clock = Clock()
    source = ReplaySource(replay_file, clock=clock)
    source.open()
    source.seek(T0 + 20)
    assert source.read().timestamp_s == pytest.approx(T0 + 20)
    clock.now += 5
    assert source.read().timestamp_s == pytest.approx(T0 + 25)


def test_a_missing_file_turns_the_source_off(tmp_path):
    source = ReplaySource(tmp_path / "nope.csv")
    frame = source.open()
    assert frame.state == OFF and "cannot play" in frame.message
    assert source.read().state == OFF


def test_speed_must_be_positive(replay_file):
    with pytest.raises(ValueError):
        ReplaySource(replay_file, speed=0)


def test_writer_output_reads_back_equal(tmp_path):
    samples = (GpuSample(T0 + 0.5, "h", 0, power_w=312.25, temperature_c=61.0, utilization_pct=88.0,
                         memory_used_mib=1024.0, memory_total_mib=81559.0, sm_clock_mhz=1980.0,
                         memory_clock_mhz=2619.0, throttle_reasons=4, ecc_uncorrected=0, xid=79),
               GpuSample(T0 + 0.5, "h", 1, power_w=80.0),
               GpuSample(T0 + 0.5, "h", 2, power_w=90.0, stale=True))
    stream = io.StringIO()
    writer = ReplayWriter(stream)
    assert writer.write(Frame(T0, samples)) == 2
    assert stream.getvalue().splitlines()[0] == ",".join(COLUMNS)
    path = tmp_path / "out.csv"
    path.write_text(stream.getvalue())
    assert tuple(read_samples(path)) == samples[:2]
