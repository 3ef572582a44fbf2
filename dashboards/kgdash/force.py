"""The force-directed graph Explore and Literature draw (st-link-analysis), and the node a
click picked.

Only the pages import this module: the component registers with the server when first
imported inside a script run, so kgdash.warm leaves it out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from st_link_analysis import Event, NodeStyle, st_link_analysis

from kgdash.panels import FORCE_LAYOUT, SIZE_FROM_DATA


def force_graph(
    elements: Mapping[str, Any],
    colours: Mapping[str, str],
    edge_styles: Sequence[Any],
    *,
    height: int,
    key: str,
    layout: Mapping[str, Any] = FORCE_LAYOUT,
) -> str | None:
    """Draw ``elements``, nodes coloured by label and sized from their data, laid out by
    ``layout`` (force-directed by default); the id of the node a click picked, if any."""
    value = st_link_analysis(
        elements,
        layout=dict(layout),
        node_styles=[
            *(NodeStyle(label, colour, caption="name") for label, colour in colours.items()),
            SIZE_FROM_DATA,
        ],
        edge_styles=list(edge_styles),
        height=height,
        key=key,
        events=[Event("clicked", "tap", "node")],
    )
    if isinstance(value, dict) and isinstance(value.get("data"), dict):
        target = value["data"].get("target_id")
        return str(target) if target else None
    return None
