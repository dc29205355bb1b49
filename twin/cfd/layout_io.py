"""Read and write layout files for the CFD tools.

Reading goes through `twin.model.load_layout` (line-numbered errors); a plain
YAML reader into the same dataclasses is kept as a fallback so the CFD tools
also run where only the dataclasses are importable.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from twin.model.layout import Air, CoolingUnit, Layout, Rack, Room, TileArea


def load(path) -> Layout:
    """Layout from a format-v1 YAML file."""
    try:
        from twin.model import load_layout
    except ImportError:
        return _load_plain(path)
    return load_layout(path)


def _load_plain(path) -> Layout:
    doc = yaml.safe_load(Path(path).read_text())
    air = Air(**doc.get("air", {}))
    units = [CoolingUnit(id=str(u["id"]), position_m=tuple(u["position_m"]), size_m=tuple(u["size_m"]),
                         airflow_m3s=float(u["airflow_m3s"]), supply_temp_c=float(u["supply_temp_c"]),
                         return_=u.get("return", "top"), state=u.get("state", "running"))
             for u in doc.get("cooling_units", [])]
    tiles = [TileArea(x_m=tuple(t["area_m"]["x"]), y_m=tuple(t["area_m"]["y"])) for t in doc.get("tiles", [])]
    racks = [Rack(id=str(r["id"]), position_m=tuple(r["position_m"]), size_m=tuple(r["size_m"]),
                  facing=r["facing"], power_kw=float(r["power_kw"]), delta_t_k=r.get("delta_t_k"),
                  airflow_m3s=r.get("airflow_m3s"))
             for r in doc.get("racks", [])]
    room = Room(size_m=tuple(doc["room"]["size_m"]), tile_m=doc["room"].get("tile_m", 0.6))
    return Layout(room=room, name=str(doc.get("name", "")), air=air, cooling_units=units,
                  tiles=tiles, racks=racks, source_path=str(path))


def _num(v: float):
    """Short, exact-looking YAML numbers (2.4, not 2.4000000000000004)."""
    r = round(float(v), 9)
    return int(r) if r == int(r) and abs(r) < 1e6 else r


def to_yaml(layout: Layout) -> str:
    """Format-v1 YAML text of a layout."""
    doc = {
        "dctwin": 1,
        "name": layout.name,
        "room": {"size_m": [_num(v) for v in layout.room.size_m], "tile_m": _num(layout.room.tile_m)},
        "air": {"density_kgm3": layout.air.density_kgm3, "cp_jkgk": layout.air.cp_jkgk},
        "cooling_units": [{"id": u.id, "position_m": [_num(v) for v in u.position_m],
                           "size_m": [_num(v) for v in u.size_m], "airflow_m3s": round(u.airflow_m3s, 6),
                           "supply_temp_c": _num(u.supply_temp_c), "return": u.return_, "state": u.state}
                          for u in layout.cooling_units],
        "tiles": [{"area_m": {"x": [_num(v) for v in t.x_m], "y": [_num(v) for v in t.y_m]}}
                  for t in layout.tiles],
        "racks": [_rack_doc(r) for r in layout.racks],
    }
    return yaml.safe_dump(doc, sort_keys=False, default_flow_style=None, width=100)


def _rack_doc(r: Rack) -> dict:
    d = {"id": r.id, "position_m": [_num(v) for v in r.position_m], "size_m": [_num(v) for v in r.size_m],
         "facing": r.facing, "power_kw": _num(r.power_kw)}
    if r.airflow_m3s is not None:
        d["airflow_m3s"] = round(float(r.airflow_m3s), 6)
    else:
        d["delta_t_k"] = _num(r.delta_t_k)
    return d
