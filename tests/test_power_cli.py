"""`dctwin simulate` power section (JSON and table) and `dctwin import-devicetypes`."""
from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pytest
import yaml

import twin.thermal
from twin import cli
from twin.model import bundled_layout, load_layout
from twin.model.catalog.netbox import devicetype_to_type, import_devicetypes, type_to_devicetype
from twin.model.catalog.text import loads_types
from twin.thermal.results import RackResult, ThermalResult, UnitResult

DATA = Path(__file__).resolve().parent / "data" / "netbox" / "device-types"
GX8 = DATA / "Acme" / "acme-gx8.yaml"
POWER_KEYS = {"it_kw", "cooling_kw", "losses_kw", "facility_kw", "pue", "components", "failover"}
COMPONENT_KEYS = {"kind", "load_kw", "rating_kw", "utilization_pct", "feed"}


def run_main(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def even_solve(layout, cell_m=0.2, model="accurate", progress=None, cancel=None, **options):
    """A stand-in solver: each running unit removes an airflow share of the rack heat."""
    running = [u for u in layout.cooling_units if u.running]
    total = sum(u.airflow_m3s for u in running)
    racks = {r.id: RackResult(r.id, 22.0, 24.0, 21.0, 22.0, 23.0, 32.0, r.power_kw,
                              r.airflow(layout.air)) for r in layout.racks}
    units = {u.id: UnitResult(u.id, u.state, 30.0, layout.it_power_kw * u.airflow_m3s / total,
                              u.supply_temp_c, u.airflow_m3s) for u in running}
    return ThermalResult(layout.name, model, cell_m, 100, 0.01, racks, units, layout.it_power_kw,
                         layout.it_power_kw, np.full((2, 2, 2), 22.0), np.zeros((2, 2, 2, 3)))


def test_default_hall_reports_pue_and_busway_loads(monkeypatch, tmp_path):
    monkeypatch.setattr(twin.thermal, "solve", even_solve)
    out = tmp_path / "hall.json"
    code, stdout, stderr = run_main(["simulate", str(bundled_layout("air_hall")), "--quiet",
                                     "--json", str(out)])
    assert code == 0, stderr
    power = json.loads(out.read_text())["power"]
    assert POWER_KEYS <= set(power)
    assert power["it_kw"] == pytest.approx(968)
    assert power["facility_kw"] == pytest.approx(power["it_kw"] + power["cooling_kw"]
                                                 + power["losses_kw"] + power["other_kw"])
    assert power["pue"] == pytest.approx(power["facility_kw"] / power["it_kw"])
    assert len(power["components"]) == 12
    for cid, comp in power["components"].items():
        assert COMPONENT_KEYS <= set(comp)
        assert comp["feed"] == cid[-1]
    assert power["components"]["BW-C-B"]["kind"] == "busway"
    assert power["failover"] == {**power["failover"], "ok": True, "violations": []}
    heat = sum(u["heat_kw"] - u["fan_kw"] for u in power["cooling"]["units"].values())
    assert heat == pytest.approx(968)                       # from the units' thermal loads
    assert "PUE 1.3" in stdout and "BW-B-A" in stdout and "Failover (N-1, 12 cases" in stdout


def test_ab_room_failover_shows_in_table_and_json(tmp_path):
    out = tmp_path / "ab.json"
    code, stdout, stderr = run_main(["simulate", str(bundled_layout("ab_failover_room")),
                                     "--model", "preview", "--cell-m", "0.3", "--quiet",
                                     "--json", str(out)])
    assert code == 0, stderr
    data = json.loads(out.read_text())
    failover = data["power"]["failover"]
    assert failover["ok"] is False and len(failover["violations"]) == 6
    assert {v["component"] for v in failover["violations"]} == {"PDU-A", "PDU-B"}
    assert data["power"]["accelerators"] == 48
    assert "FAILS (6 problems)" in stdout
    assert "PDU-A fails: PDU-B carries 52.5 kW, 131 %" in stdout
    assert data["energy_balance"]["it_power_kw"] == pytest.approx(52.5)


def test_import_prints_a_catalog_that_round_trips():
    code, stdout, stderr = run_main(["import-devicetypes", str(DATA)])
    assert code == 0, stderr
    types = loads_types(stdout, "imported.yaml")
    assert [t.model for t in types] == ["acme-gx8", "acme-s1"]
    gx8 = types[0]
    assert (gx8.u_height, gx8.max_power_kw, gx8.typical_power_kw) == (6, 8.4, 6.3)
    assert (gx8.name, gx8.manufacturer, gx8.airflow) == ("GX8 GPU Server", "Acme", "front-to-rear")
    assert types == import_devicetypes(DATA).types
    assert "skipped Other/blank-panel.yaml: no power draw" in stderr
    assert "imported 2 device types" in stderr


def test_devicetype_survives_a_trip_through_dctwin():
    doc = yaml.safe_load(GX8.read_text())
    kind = devicetype_to_type(doc, "acme-gx8.yaml")
    back = type_to_devicetype(kind)
    assert back["slug"] == doc["slug"] and back["u_height"] == doc["u_height"]
    assert back["airflow"] == doc["airflow"] and back["model"] == doc["model"]
    assert back["power-ports"][0]["maximum_draw"] == sum(p["maximum_draw"] for p in doc["power-ports"])
    assert back["power-ports"][0]["allocated_draw"] == sum(p["allocated_draw"]
                                                            for p in doc["power-ports"])
    assert devicetype_to_type(back, "acme-gx8.yaml") == kind


def test_import_into_a_layout(tmp_path):
    target = tmp_path / "room.yaml"
    target.write_text(bundled_layout("ab_failover_room").read_text())
    original = target.read_text()
    code, _, stderr = run_main(["import-devicetypes", str(GX8), "--layout", str(target)])
    assert code == 0, stderr
    assert "1 model added, 0 replaced" in stderr and "imported 1 device type from" in stderr
    assert (tmp_path / "room.yaml.bak").exists()
    # the file is edited, not rewritten: every line of it (comments too) is still there, in order
    kept = iter(target.read_text().splitlines())
    assert all(line in kept for line in original.splitlines())
    layout = load_layout(target)
    assert [t.model for t in layout.equipment_types] == ["acme-gx8"]
    text = target.read_text().replace("{model: dgx-h100, position_u: 1}",
                                      "{model: acme-gx8, position_u: 1}", 1)
    target.write_text(text)
    assert load_layout(target).racks[0].power_kw == pytest.approx(6.3 + 0.75)
    code, _, stderr = run_main(["import-devicetypes", str(DATA), "--layout", str(target)])
    assert code == 0 and "1 model added, 1 replaced" in stderr


@pytest.mark.parametrize("argv, message", [
    (["import-devicetypes", "/no/such/folder"], "dctwin: not found: /no/such/folder"),
    (["import-devicetypes", str(DATA / "Other")], "no device types with a power draw found"),
])
def test_import_refuses_bad_input(argv, message):
    code, stdout, stderr = run_main(argv)
    assert code == 2 and stdout == "" and message in stderr
