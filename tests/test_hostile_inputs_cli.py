"""Hostile replay files, NetBox folders, result files and options through `dctwin`: each is
exit 2 with file:line:field (or the option) and the accepted range, never exit 1 or a hang."""
import contextlib
import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from twin import cli
from twin.model import limits
from twin.model.catalog.netbox import import_devicetypes
from twin.telemetry.csvfile import ReplayError, read_samples
from twin.telemetry.mapping import live_power
from twin.telemetry.sample import METRIC_RANGES, GpuSample

FAST = settings(max_examples=12, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
HEADER = "timestamp,host,gpu,power_w,temperature_c,utilization_pct,xid\n"
GOOD_ROW = "2026-01-05T09:00:00Z,A1,0,500,60,90,\n"
GOOD_TYPE = ("manufacturer: Acme\nmodel: Good One\nslug: good-one\nu_height: 2\n"
             "power-ports:\n  - {name: a, maximum_draw: 800, allocated_draw: 600}\n")


def run_main(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- replay files ----------------------------------------------------------------

def out_of(low, high, integer=False):
    values = st.one_of(st.floats(max_value=float(low), exclude_max=True, allow_nan=False),
                       st.floats(min_value=float(high), exclude_min=True, allow_nan=False),
                       st.just(float("nan")))
    return st.one_of(values, st.integers(int(high) + 10 ** 6, 10 ** 30)) if integer else values


@FAST
@given(data=st.data(), column=st.sampled_from(["power_w", "temperature_c", "utilization_pct", "xid"]))
def test_replay_values_outside_what_a_gpu_reports_name_file_line_and_range(tmp_path, data, column):
    low, high = METRIC_RANGES[column]
    value = data.draw(out_of(low, high, integer=column == "xid"))
    cells = {"power_w": "500", "temperature_c": "60", "utilization_pct": "90", "xid": ""}
    cells[column] = repr(value) if isinstance(value, float) else str(value)
    row = f"2026-01-05T09:01:00Z,A1,0,{cells['power_w']},{cells['temperature_c']}," \
          f"{cells['utilization_pct']},{cells['xid']}\n"
    path = write(tmp_path, "replay.csv", HEADER + GOOD_ROW + row)
    with pytest.raises(ReplayError) as info:
        read_samples(path)
    assert str(info.value).startswith(f"{path}:3: {column}: must be a number from {low:g} to {high:g}")


@FAST
@given(stamp=st.one_of(st.floats(max_value=0, exclude_max=True, allow_nan=False),
                       st.floats(min_value=limits.MAX_TIMESTAMP_S, exclude_min=True),
                       st.sampled_from(["0001-01-01T00:00:00+14:00", "nan", "-inf", "1e300",
                                        "9" * 400, "2026-13-01T00:00:00Z"])),
       at=st.booleans())
def test_replay_timestamps_and_at_outside_the_years_1970_to_9999_are_input_errors(tmp_path, stamp, at):
    text = stamp if isinstance(stamp, str) else repr(stamp)
    if at:
        path = write(tmp_path, "replay.csv", HEADER + GOOD_ROW)
        code, _, err = run_main(["simulate", "small_room", "--model", "preview", "--quiet",
                                 "--telemetry", str(path), f"--at={text}"])
        assert code == 2 and err.startswith("dctwin: --at: not a time: ")
    else:
        path = write(tmp_path, "replay.csv", HEADER + f"{text},A1,0,500,,,\n")
        code, _, err = run_main(["simulate", "small_room", "--model", "preview", "--quiet",
                                 "--telemetry", str(path)])
        assert code == 2 and err.startswith(f"dctwin: {path}:2: timestamp: not a time: ")
    assert "Traceback" not in err and len(err) < 400


@FAST
@given(case=st.sampled_from(["nul", "field", "quote", "utf8", "gpu", "extra"]),
       row=st.integers(0, 5))
def test_unreadable_csv_rows_stop_at_their_line(tmp_path, case, row):
    rows = [f"2026-01-05T09:0{i}:00Z,A1,0,500,60,90,\n" for i in range(6)]
    bad = {"nul": "2026-01-05T09:00:00Z,A\x001,0,500,60,90,\n",
           "field": '2026-01-05T09:00:00Z,"' + "A" * 200_000 + '",0,500,60,90,\n',
           "quote": '2026-01-05T09:00:00Z,"A1,0,500,60,90,\n',
           "utf8": None, "gpu": "2026-01-05T09:00:00Z,A1," + "9" * 5000 + ",500,60,90,\n",
           "extra": "2026-01-05T09:00:00Z,A1,0,500,60,90,,7\n"}[case]
    path = tmp_path / "replay.csv"
    head = (HEADER + "".join(rows[:row])).encode()
    body = b"2026,\xff\xfe,0\n" if case == "utf8" else bad.encode()
    path.write_bytes(head + body + "".join(rows[row:]).encode())
    with pytest.raises(ReplayError) as info:
        read_samples(path)
    message = str(info.value)
    if case == "quote":          # an unclosed quote runs to the end of the file
        assert message.startswith(f"{path}:")
    else:
        assert message.startswith(f"{path}:{row + 2}: ")
    assert len(message) < 300


def test_replay_fifos_and_devices_are_refused_unread(tmp_path):
    fifo = tmp_path / "live.csv"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        code, _, err = run_main(["simulate", "small_room", "--model", "preview", "--quiet",
                                 "--telemetry", str(path)])
        assert code == 2 and err.startswith(f"dctwin: {path}: is a ") and "not a replay file" in err


@FAST
@given(power_w=st.one_of(st.floats(max_value=0, exclude_max=True), st.floats(min_value=1e4,
                                                                             exclude_min=True)))
def test_implausible_live_power_is_flagged_and_never_becomes_rack_heat(power_w):
    from twin.model import bundled_layout, load_layout
    layout = load_layout(bundled_layout("small_room"))
    samples = [GpuSample(0.0, "A1", 0, power_w=700.0), GpuSample(0.0, "A1", 1, power_w=power_w)]
    live = live_power(layout, samples)
    assert live.racks["A1"].hosts[0].gpu_kw == pytest.approx(0.7)
    assert live.notes == (f"A1/1: power {power_w:g} W ignored (a GPU draws 0 to 10000 W)",)


# -- NetBox device types -----------------------------------------------------------

BAD_TYPES = {
    "deep": ("model: " + "[" * 3000 + "]" * 3000 + "\n", "line 1: YAML syntax error: lists and mappings are nested"),
    "bigint": ("model: B\nslug: b\npower-ports:\n  - {maximum_draw: 1" + "0" * 400 + "}\n",
               "line 4: power-ports[0].maximum_draw: integer 1000"),
    "nan": ("model: N\nslug: n\npower-ports:\n  - {maximum_draw: .nan}\n",
            "power-ports[0].maximum_draw: must be a number of watts from 0 to 1e+06 (got nan)"),
    "nul": ("model: N\x00\nslug: n\n", "line 1: the file holds the control character U+0000"),
    "bomb": (None, "model: must be text (got "),
    "list": ("- just\n- a list\n", "not a NetBox device type (no model or slug)"),
}


@FAST
@given(kinds=st.lists(st.sampled_from(sorted(BAD_TYPES)), min_size=1, max_size=4, unique=True),
       width=st.integers(3, 6), depth=st.integers(6, 10))
def test_bad_netbox_files_are_reported_and_the_rest_imported(tmp_path_factory, kinds, width, depth):
    folder = tmp_path_factory.mktemp("types")
    write(folder, "good.yaml", GOOD_TYPE)
    for kind in kinds:
        text = BAD_TYPES[kind][0]
        if kind == "bomb":
            node = "[" + ", ".join(["x"] * width) + "]"
            for level in range(depth):
                node = f"[&a{level} {node}" + f", *a{level}" * (width - 1) + "]"
            text = f"model: {node}\nslug: bomb\npower-ports: [{{maximum_draw: 5}}]\n"
        write(folder, f"{kind}.yaml", text)
    found = import_devicetypes(folder)
    assert [t.model for t in found.types] == ["good-one"]
    skipped = dict(found.skipped)
    assert sorted(skipped) == sorted(f"{k}.yaml" for k in kinds)
    for kind in kinds:
        assert BAD_TYPES[kind][1] in skipped[f"{kind}.yaml"]
        assert len(skipped[f"{kind}.yaml"]) <= limits.MAX_MESSAGE_CHARS + 60
    code, out, err = run_main(["import-devicetypes", str(folder)])
    assert code == 0 and "model: good-one" in out and err.count("dctwin: skipped ") == len(kinds)


# -- options ---------------------------------------------------------------------------

OPTIONS = [  # argv before the option, option, accepted range text, low, high, whole number
    (["place", "small_room", "--kw", "5"], "--racks", "a whole number from 1 to 100", 1, 100, True),
    (["place", "small_room"], "--kw", "a number above 0 and at most 1000", 0, 1000, False),
    (["sweep", "small_room"], "--workers", "a whole number from 1 to 64", 1, 64, True),
    (["sweep", "small_room"], "--confirm", "a whole number from 0 to 1,000", 0, 1000, True),
    (["report", "small_room", "--fail", "CRAH-1", "--out", "x"], "--minutes",
     "a number above 0 and at most 1440", 0, 1440, False),
    (["telemetry", "demo"], "--speed", "a number from 0.01 to 1e+06", 0.01, 1e6, False),
    (["record", "x.csv"], "--interval", "a number from 0.05 to 86400", 0.05, 86400, False),
    (["simulate", "small_room"], "--max-cells", "a whole number from 1 to", 1, 10 ** 12, True),
]


@st.composite
def bad_option(draw):
    argv, option, accepted, low, high, whole = draw(st.sampled_from(OPTIONS))
    numbers = st.one_of(st.floats(max_value=low, exclude_max=True),
                        st.floats(min_value=high, exclude_min=True),
                        st.integers(max_value=int(low) - 1).map(str),
                        st.integers(min_value=int(high) + 1).map(str))
    words = st.sampled_from(["nan", "abc", "", "9" * 5000, "1_0x"] + (["1.5", "2e3"] if whole else []))
    value = draw(st.one_of(numbers, words))
    return argv, option, accepted, value if isinstance(value, str) else repr(value)


@FAST
@given(case=bad_option())
def test_out_of_range_options_are_usage_errors_that_state_the_range(case):
    argv, option, accepted, value = case
    code, _, err = run_main(argv + [f"{option}={value}"])
    last = err.strip().splitlines()[-1]
    assert code == 2 and "Traceback" not in err
    assert f"argument {option}: " in last
    assert accepted in last or "not a number" in last
    assert len(last) < 300


def test_result_files_that_are_not_results_are_input_errors(tmp_path):
    fifo = tmp_path / "a.json"
    os.mkfifo(fifo)
    deep = write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    listing = write(tmp_path, "list.json", "[1, 2]")
    racks = write(tmp_path, "racks.json", '{"racks": [1, 2]}')
    for path, message in ((fifo, "is a named pipe (FIFO), not a results file"),
                          (deep, "JSON nested too deeply"),
                          (listing, "not a results file"), (racks, "racks: must map ids")):
        code, _, err = run_main(["compare", str(path), str(path)])
        assert code == 2 and err.startswith(f"dctwin: cannot read results: {path}") and message in err
