"""The `telemetry` section: which monitored host is which server in which rack.

    telemetry:
      hosts:
        - {host: dgx-b5-0, rack: B5, server: 0}        # server index in the rack's equipment
        - {host: node-17, rack: C2, model: dgx-h100}    # rack without equipment: say the model

Live GPU power replaces a mapped server's design power; see docs/telemetry.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from twin.model.schema import Integer, Key, Number, Text


@dataclass
class TelemetryHost:
    """One monitored host bound to a rack (and a server in it, or a catalog model)."""
    host: str
    rack: str
    server: Optional[int] = None         # 0-based server index in the rack's equipment
    model: Optional[str] = None          # catalog model when the rack lists no equipment
    rest_kw: Optional[float] = None      # non-GPU draw of the server; None: estimated


@dataclass
class TelemetryMap:
    """The layout's `telemetry` section."""
    hosts: list[TelemetryHost] = field(default_factory=list)

    def host(self, name: str) -> Optional[TelemetryHost]:
        return next((h for h in self.hosts if h.host == name), None)


TELEMETRY_KEYS = (
    Key("hosts", None, required=False),
)
HOST_KEYS = (
    Key("host", Text(nonempty=True)),
    Key("rack", Text(nonempty=True)),
    Key("server", Integer(0.0, upper=1000.0), required=False),
    Key("model", Text(nonempty=True), required=False),
    Key("rest_kw", Number(0.0, upper=100.0), required=False),
)
