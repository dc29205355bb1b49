"""Reading the `network` section (format 2): switches, served racks, links."""
from __future__ import annotations

from typing import Optional

from twin.model.network import NETWORK_KEYS, SWITCH_KEYS, Network, Switch
from twin.model.reader import Reader, items
from twin.model.yamlio import YMap

NETWORK_VERSION = 2


def network(r: Reader, doc: YMap, version: int) -> Optional[Network]:
    """The `network` section, or None when the file has none."""
    if doc.get("network") is None:
        return None
    if version < NETWORK_VERSION:
        raise r.fail(doc.key_lines["network"], "network", "the network section is part of layout "
                     f'format {NETWORK_VERSION}; start the file with "dctwin: {NETWORK_VERSION}"')
    m = r.mapping(doc["network"], doc.value_lines["network"], "network", "network keys")
    top = r.values(m, NETWORK_KEYS, "network")
    switches = [Switch(**r.values(x, SWITCH_KEYS, f))
                for f, _, x in items(r, m, "switches", "network", "switches")]
    return Network(switches=switches, **top)
