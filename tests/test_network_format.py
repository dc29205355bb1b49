"""Layout format 2: the network section reads with file:line:field errors, checks cable
reach and ports, writes back exactly, and builds the fabric graph."""
from __future__ import annotations

import pytest

from twin.capacity.fabric import domain_of, fabric_graph, free_ports, switch_hops
from twin.model import LayoutError, bundled_layout, dump_layout, load_layout, loads_layout, validate_layout

RACKS = "".join(f"""\
  - id: {rid}
    position_m: [{x}, {y}]
    size_m: [0.6, 1.2, 2.0]
    facing: "+y"
    delta_t_k: 12.0
    equipment:
      - {{model: dgx-h100, position_u: 1, count: 2}}
""" for rid, x, y in (("A1", 1.2, 1.2), ("A2", 1.8, 1.2), ("A3", 2.4, 1.2), ("B1", 1.2, 7.2)))
BASE = f"""\
dctwin: 2
name: fabric room
room:
  size_m: [30.0, 9.6, 3.0]
cooling_units:
  - id: CRAH-1
    position_m: [0.0, 3.0]
    size_m: [0.8, 2.4, 2.0]
    airflow_m3s: 4.0
    supply_temp_c: 18.0
racks:
{RACKS}"""
NETWORK = """\
network:
  max_cable_m: 12
  switches:
    - {id: LEAF-1, kind: leaf, rack: A1, ports: 64, serves: [A1, A2, A3]}
    - {id: LEAF-2, kind: leaf, rack: B1, ports: 40, serves: [B1], group: SU-2}
    - {id: SPINE-1, kind: spine, rack: A3, ports: 8}
  links: [[LEAF-1, SPINE-1], [LEAF-2, SPINE-1]]
"""
LINE = {n: i + 1 for i, n in enumerate((BASE + NETWORK).splitlines())}


def error_of(text: str) -> str:
    with pytest.raises(LayoutError) as info:
        loads_layout(text, "fab.yaml")
    return str(info.value)


def network_line(prefix: str) -> int:
    return next(n for text, n in LINE.items() if text.strip().startswith(prefix))


def test_network_reads_and_writes_back_exactly():
    layout = loads_layout(BASE + NETWORK, "fab.yaml")
    net = layout.network
    assert net.max_cable_m == 12 and [s.id for s in net.switches] == ["LEAF-1", "LEAF-2", "SPINE-1"]
    assert net.switches[0].serves == ["A1", "A2", "A3"] and net.switches[1].group == "SU-2"
    assert net.links == [("LEAF-1", "SPINE-1"), ("LEAF-2", "SPINE-1")]
    text = dump_layout(layout)
    assert text.startswith("dctwin: 2\n")
    assert loads_layout(text) == layout


def test_a_layout_without_network_is_written_as_format_1():
    layout = loads_layout(BASE.replace("dctwin: 2", "dctwin: 1"))
    assert dump_layout(layout).startswith("dctwin: 1\n")


def test_network_in_a_format_1_file_is_refused_at_its_line():
    text = (BASE + NETWORK).replace("dctwin: 2", "dctwin: 1")
    assert error_of(text) == (f"fab.yaml:{LINE['network:']}: network: the network section is part "
                              'of layout format 2; start the file with "dctwin: 2"')


@pytest.mark.parametrize("old, new, prefix, field, message", [
    ("kind: leaf, rack: A1", "kind: tor, rack: A1", "- {id: LEAF-1", "network.switches[0].kind",
     'must be one of "leaf", "spine" (got "tor")'),
    ("rack: B1, ports: 40", "rack: B9, ports: 40", "- {id: LEAF-2", "network.switches[1].rack",
     'unknown rack "B9"; did you mean "B1"?'),
    ("serves: [B1]", "serves: [B7]", "- {id: LEAF-2", "network.switches[1].serves[0]",
     'unknown rack "B7"; did you mean "B1"?'),
    ("ports: 8}", "ports: 8, serves: [A2]}", "- {id: SPINE-1", "network.switches[2].serves",
     "only a leaf serves racks; a spine connects to leaves through links"),
    ("[LEAF-2, SPINE-1]]", "[LEAF-2, SPINE-9]]", "links:", "network.links[1]",
     'unknown switch "SPINE-9"; did you mean "SPINE-1"?'),
    ("[LEAF-2, SPINE-1]]", "[LEAF-1, SPINE-1]]", "links:", "network.links[1]",
     "LEAF-1 and SPINE-1 are already linked by network.links[0]"),
    ("id: SPINE-1", "id: A3", "- {id: SPINE-1", "network.switches[2].id",
     'duplicate id "A3" (already used by racks[2]'),
])
def test_network_errors_name_file_line_field(old, new, prefix, field, message):
    text = (BASE + NETWORK).replace(old, new)
    assert error_of(text).startswith(f"fab.yaml:{network_line(prefix)}: {field}: {message}")


def test_a_rack_beyond_cable_reach_is_refused_with_the_run_length():
    # A1 centre (1.5, 1.8) to B1 centre (1.5, 7.8): 6.0 m + 4 m vertical = 10 m; limit 9 m
    text = (BASE + NETWORK).replace("serves: [A1, A2, A3]", "serves: [A1, A2, A3, B1]") \
        .replace("max_cable_m: 12", "max_cable_m: 9")
    assert error_of(text) == (
        f"fab.yaml:{network_line('- {id: LEAF-1')}: network.switches[0].serves[3]: rack \"B1\" is "
        "10.0 m of cable from LEAF-1 in rack \"A1\" (rack-centre distance along rows and aisles "
        "plus 2 x 2 m vertical); network.max_cable_m is 9 m")


def test_a_leaf_with_too_few_ports_is_refused():
    # three racks of 2 x 8 GPUs = 48 server ports, plus 1 link = 49 > 48
    bad = (BASE + NETWORK).replace("ports: 64, serves: [A1, A2, A3]", "ports: 48, serves: [A1, A2, A3]")
    assert error_of(bad) == (f"fab.yaml:{network_line('- {id: LEAF-1')}: network.switches[0].ports: "
                             "LEAF-1 needs 49 ports (one per accelerator in the racks it serves, "
                             "one per link) but has 48")


def test_a_rack_served_by_two_leaves_puts_half_its_ports_on_each():
    text = (BASE + NETWORK).replace("serves: [B1], group: SU-2", "serves: [B1, A3], group: SU-2") \
        .replace("max_cable_m: 12", "max_cable_m: 20")
    assert free_ports(loads_layout(text)) == {"LEAF-1": 64 - 16 - 16 - 8 - 1, "LEAF-2": 40 - 16 - 8 - 1}


def test_fabric_graph_hops_domains_and_free_ports():
    layout = loads_layout(BASE + NETWORK)
    graph = fabric_graph(layout)
    assert graph.edges["LEAF-1", "A2"]["cable_m"] == pytest.approx(0.6 + 4.0)
    assert switch_hops(graph, "A1", "A3") == 1          # A1 - LEAF-1 - A3
    assert switch_hops(graph, "A1", "B1") == 3          # leaf, spine, leaf
    assert domain_of(layout) == {"A1": "LEAF-1", "A2": "LEAF-1", "A3": "LEAF-1", "B1": "SU-2"}
    assert free_ports(layout) == {"LEAF-1": 64 - 48 - 1, "LEAF-2": 40 - 16 - 1}


def test_default_hall_has_a_fabric_that_passes_the_checks():
    layout = load_layout(bundled_layout("air_hall"))
    assert validate_layout(layout) == []
    graph = fabric_graph(layout)
    assert {n for n, d in graph.nodes(data=True) if d["kind"] == "rack"} == {r.id for r in layout.racks}
    assert switch_hops(graph, "A1", "D12") == 3
