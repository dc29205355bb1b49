"""Keys of the equipment and power sections (optional additions to format v1).

Same `Key` tables as `schema.py`: they drive reading with lines, checking an
edited layout, and writing keys back in this order.
"""
from __future__ import annotations

from twin.model.electrical import PDU_KINDS, SIDES
from twin.model.layout import AIRFLOWS
from twin.model.schema import (HEIGHT_U, POSITIVE, RACK_POWER_KW, Choice, Curve, IdList, Integer,
                               Key, Number, Text)

PERCENT = Number(0.0, upper=100.0)
NON_NEGATIVE = Number(0.0)
RATING_KW = Number(0.0, strict=True, upper=1e6)      # up to a gigawatt
LIQUID_TEMP_C = Number(0.0, upper=80.0)
CONDENSER_TEMP_C = Number(-40.0, upper=80.0)

EQUIPMENT_TYPE_KEYS = (
    Key("model", Text(nonempty=True)),
    Key("name", Text(), required=False),
    Key("manufacturer", Text(), required=False),
    Key("u_height", Number(0.0, upper=100.0)),
    Key("max_power_kw", RACK_POWER_KW),
    Key("typical_power_kw", RACK_POWER_KW, required=False),
    Key("idle_power_kw", RACK_POWER_KW, required=False),
    Key("accelerators", Integer(0.0, upper=100_000.0), required=False),
    Key("accelerator_type", Text(), required=False),
    Key("airflow", Choice(AIRFLOWS), required=False),
    Key("liquid_heat_pct", PERCENT, required=False),
    Key("coolant_flow_lpm", Number(0.0, strict=True), required=False),
    Key("source", Text(), required=False),
)
EQUIPMENT_KEYS = (
    Key("model", Text(nonempty=True)),
    Key("position_u", Number(1.0, upper=100.0)),
    Key("count", Integer(1.0, upper=HEIGHT_U.upper), required=False),
    Key("utilization_pct", PERCENT, required=False),
)

POWER_KEYS = (
    Key("continuous_limit_pct", Number(0.0, strict=True, upper=100.0), required=False),
    Key("utility_feeds", None, required=False),
    Key("ups", None, required=False),
    Key("pdus", None, required=False),
    Key("cooling", None, required=False),
    Key("site", None, required=False),
)
FEED_KEYS = (
    Key("id", Text(nonempty=True)),
    Key("side", Choice(SIDES)),
    Key("rating_kw", RATING_KW, required=False),
)
UPS_KEYS = (
    Key("id", Text(nonempty=True)),
    Key("from", Text(nonempty=True), attr="from_"),
    Key("rating_kw", RATING_KW),
    Key("efficiency_pct", Curve("load_pct", NON_NEGATIVE, "efficiency_pct",
                                Number(0.0, strict=True, upper=100.0)), required=False),
)
PDU_KEYS = (
    Key("id", Text(nonempty=True)),
    Key("from", Text(nonempty=True), attr="from_"),
    Key("kind", Choice(PDU_KINDS), required=False, default="pdu"),
    Key("rating_kw", RATING_KW),
    Key("loss_pct", Number(0.0, upper=20.0), required=False),
    Key("racks", IdList(), required=False),
)
COOLING_KEYS = (
    Key("fan_kw_per_m3s", NON_NEGATIVE, required=False),
    Key("chiller_cop", Curve("supply_temp_c", Number(-40.0, upper=80.0), "cop",
                             Number(0.0, strict=True, upper=100.0)), required=False),
    Key("condenser_temp_c", CONDENSER_TEMP_C, required=False),
    Key("approach_k", NON_NEGATIVE, required=False),
    Key("carnot_fraction", Number(0.0, strict=True, upper=1.0), required=False),
    Key("liquid_supply_temp_c", LIQUID_TEMP_C, required=False),
)
SITE_KEYS = (
    Key("other_kw", NON_NEGATIVE, required=False),
    Key("hours_per_year", Number(0.0, strict=True, upper=8784.0), required=False),
    Key("tariff_per_kwh", NON_NEGATIVE, required=False),
    Key("currency", Text(), required=False),
    Key("grid_kgco2_per_kwh", NON_NEGATIVE, required=False),
)
