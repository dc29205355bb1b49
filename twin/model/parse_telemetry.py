"""Reading the `telemetry` section (an optional addition to format v1)."""
from __future__ import annotations

from typing import Optional

from twin.model.reader import Reader, items
from twin.model.telemetry import HOST_KEYS, TELEMETRY_KEYS, TelemetryHost, TelemetryMap
from twin.model.yamlio import YMap


def telemetry(r: Reader, doc: YMap) -> Optional[TelemetryMap]:
    """The `telemetry` section, or None when the file has none."""
    if doc.get("telemetry") is None:
        return None
    m = r.mapping(doc["telemetry"], doc.value_lines["telemetry"], "telemetry", "telemetry keys")
    r.values(m, TELEMETRY_KEYS, "telemetry")
    hosts = [TelemetryHost(**r.values(x, HOST_KEYS, f))
             for f, _, x in items(r, m, "hosts", "telemetry", "monitored hosts")]
    return TelemetryMap(hosts=hosts)
