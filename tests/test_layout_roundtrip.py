"""Property test: any valid layout survives dump -> load unchanged."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twin.model import (ASHRAE_CLASSES, FACINGS, Air, CoolingUnit, Layout, Rack, Room, TileArea,
                        dump_layout, loads_layout, validate_layout)

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
FRACTION = st.floats(0.05, 0.95, allow_nan=False)
NUMBER = st.one_of(st.floats(allow_nan=False, allow_infinity=False),
                   st.integers(-1000, 1000))
POSITIVE = st.one_of(st.floats(min_value=0.0, exclude_min=True, allow_infinity=False),
                     st.integers(1, 10_000))


def within(low: float, high: float, exclude_low: bool = False):
    """Floats and integers inside one of the schema's physical ranges."""
    return st.one_of(st.floats(low, high, exclude_min=exclude_low),
                     st.integers(int(low) + (1 if exclude_low or low != int(low) else 0), int(high)))


@st.composite
def boxes(draw, count: int, slot_m: float, y0_m: float):
    """(position, size) pairs in a row of slots `slot_m` wide, so none overlap."""
    out = []
    for i in range(count):
        width = draw(FRACTION) * slot_m
        depth = draw(st.floats(0.1, 1.5))
        x = i * slot_m + draw(FRACTION) * (slot_m - width)
        out.append(((x, y0_m), (width, depth, draw(st.floats(0.5, 2.5)))))
    return out


@st.composite
def layouts(draw) -> Layout:
    """Random valid layouts: units in the south band, tiles in the middle, racks north."""
    n_units, n_racks = draw(st.integers(0, 4)), draw(st.integers(0, 8))
    ids = draw(st.lists(TEXT.filter(lambda s: s.strip()), min_size=n_units + n_racks,
                        max_size=n_units + n_racks, unique=True))
    units = [CoolingUnit(id=ids[i], position_m=p, size_m=s, airflow_m3s=draw(within(0, 100, True)),
                         supply_temp_c=draw(within(0, 50)), state=draw(st.sampled_from(["running", "failed"])))
             for i, (p, s) in enumerate(draw(boxes(n_units, 1.5, 0.0)))]
    racks = []
    for i, (p, s) in enumerate(draw(boxes(n_racks, 0.8, 4.0))):
        airflow = draw(st.booleans())
        racks.append(Rack(id=ids[n_units + i], position_m=p, size_m=s,
                          facing=draw(st.sampled_from(FACINGS)),
                          power_kw=draw(st.one_of(st.integers(0, 80), st.floats(0, 80))),
                          delta_t_k=None if airflow else draw(within(1, 60)),
                          airflow_m3s=draw(within(0, 20, True)) if airflow else None))
    tiles = [TileArea(x_m=(x, x + 0.6 * draw(st.integers(1, 4))), y_m=(1.8, 3.0))
             for x in draw(st.lists(st.sampled_from([0.0, 3.0, 6.0]), max_size=3, unique=True))]
    return Layout(room=Room(size_m=(10.0, 6.0, 3.0), tile_m=draw(within(0, 10, True))), name=draw(TEXT),
                  air=Air(draw(within(0.5, 2)), draw(within(900, 1200))), cooling_units=units, tiles=tiles,
                  racks=racks, ashrae_class=draw(st.sampled_from(ASHRAE_CLASSES)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layouts())
def test_dump_then_load_gives_an_equal_layout(layout):
    validate_layout(layout)
    text = dump_layout(layout)
    back = loads_layout(text, "generated.yaml")
    assert back == layout
    assert dump_layout(back) == text
