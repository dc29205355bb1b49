"""Layout format: the telemetry section reads with file:line:field errors and writes back exactly."""
from __future__ import annotations

import pytest

from paths import C1
from twin.model import (LayoutError, TelemetryHost, TelemetryMap, bundled_layout,
                        bundled_layout_names, dump_layout, load_layout, loads_layout,
                        validate_layout)


BASE = """\
dctwin: 1
name: telemetry room
room:
  size_m: [6.0, 6.0, 3.0]
cooling_units:
  - id: CRAH-1
    position_m: [0.0, 1.8]
    size_m: [0.8, 2.4, 2.0]
    airflow_m3s: 4.0
    supply_temp_c: 18.0
racks:
  - id: A1
    position_m: [2.4, 1.2]
    size_m: [0.6, 1.2, 2.0]
    facing: "+y"
    delta_t_k: 12.0
    equipment:
      - {model: dgx-h100, position_u: 1, count: 2}
  - id: A2
    position_m: [3.0, 1.2]
    size_m: [0.6, 1.2, 2.0]
    facing: "+y"
    power_kw: 10
    delta_t_k: 12.0
"""
SECTION = """\
telemetry:
  hosts:
    - {host: dgx-a1-0, rack: A1, server: 0}
    - {host: dgx-a1-1, rack: A1, server: 1, rest_kw: 2.5}
    - {host: node-7, rack: A2, model: hgx-h200-8gpu}
"""
FIRST_HOST_LINE = BASE.count("\n") + 3


def error_of(text: str) -> LayoutError:
    with pytest.raises(LayoutError) as info:
        loads_layout(text, "room.yaml")
    return info.value


def test_reads_the_hosts():
    layout = loads_layout(BASE + SECTION)
    assert layout.telemetry == TelemetryMap([
        TelemetryHost("dgx-a1-0", "A1", server=0), TelemetryHost("dgx-a1-1", "A1", 1, rest_kw=2.5),
        TelemetryHost("node-7", "A2", model="hgx-h200-8gpu")])
    assert layout.telemetry.host("node-7").rack == "A2"


def test_a_file_without_the_section_has_none_and_writes_none():
    layout = loads_layout(BASE)
    assert layout.telemetry is None and "telemetry:" not in dump_layout(layout)


def test_the_section_writes_back_exactly():
    text = dump_layout(loads_layout(BASE + SECTION))
    assert text.endswith(SECTION)
    assert dump_layout(loads_layout(text)) == text


def test_an_empty_section_round_trips():
    layout = loads_layout(BASE + "telemetry: {}\n")
    assert layout.telemetry == TelemetryMap([])
    assert loads_layout(dump_layout(layout)) == layout


@pytest.mark.skipif(not C1.exists(), reason="C1 validation layout not available")
def test_c1_loads_unchanged():
    layout = load_layout(C1)
    assert layout.telemetry is None
    assert loads_layout(dump_layout(layout)) == layout


@pytest.mark.parametrize("name", bundled_layout_names())
def test_bundled_layouts_round_trip_with_a_telemetry_section(name):
    layout = load_layout(bundled_layout(name))
    assert layout.telemetry is None
    rack = layout.racks[0].id
    section = f"telemetry:\n  hosts:\n    - {{host: h-0, rack: {rack}}}\n"
    text = dump_layout(layout)
    at = text.find("\nscenarios:")                   # the writer puts telemetry before scenarios
    text = text + section if at < 0 else text[:at + 1] + section + text[at + 1:]
    again = loads_layout(text)
    assert again.telemetry.hosts == [TelemetryHost("h-0", rack)]
    assert dump_layout(again) == text


@pytest.mark.parametrize("entry, field, message", [
    ("{host: x, rack: A9}", "rack", 'unknown rack "A9"; did you mean "A'),
    ("{host: dgx-a1-0, rack: A2}", "host", 'duplicate host "dgx-a1-0"'),
    ("{host: x, rack: A1, server: 2}", "server", 'rack "A1" has 2 servers (0 to 1), not 2'),
    ("{host: x, rack: A2, server: 0}", "server", 'rack "A2" lists no equipment'),
    ("{host: x, rack: A1, server: 0, model: dgx-h100}", "model", "give server or model"),
    ("{host: x, rack: A2, model: dgx-h10}", "model", 'did you mean "dgx-h100"?'),
    ("{host: x, rack: A2, server: -1}", "server", "whole number >= 0"),
    ("{host: x, rack: A2, rest_kw: -1}", "rest_kw", "number >= 0"),
    ("{host: x, rack: A2, hots: 1}", "hots", 'did you mean "host"?'),
    ("{host: '', rack: A2}", "host", "non-empty"),
    ("{rack: A2}", "host", 'missing required key "host"'),
])
def test_bad_entries_name_file_line_and_field(entry, field, message):
    text = BASE + SECTION + f"    - {entry}\n"
    err = error_of(text)
    assert (err.path, err.line) == ("room.yaml", FIRST_HOST_LINE + 3)
    assert err.field == f"telemetry.hosts[3].{field}"
    assert message in str(err)


def test_a_section_that_is_not_a_mapping():
    err = error_of(BASE + "telemetry: [a, b]\n")
    assert err.field == "telemetry" and "mapping" in str(err)
    err = error_of(BASE + "telemetry:\n  host: []\n")
    assert err.field == "telemetry.host" and 'did you mean "hosts"?' in str(err)


def test_edited_layouts_are_checked_by_the_same_rules():
    layout = loads_layout(BASE + SECTION)
    layout.telemetry.hosts.append(TelemetryHost("new", "A7"))
    with pytest.raises(LayoutError) as info:
        validate_layout(layout)
    assert info.value.field == "telemetry.hosts[3].rack"
    layout.telemetry.hosts[-1] = TelemetryHost("new", "A2", server=None, rest_kw=-3.0)
    with pytest.raises(LayoutError) as info:
        validate_layout(layout)
    assert info.value.field == "telemetry.hosts[3].rest_kw"
