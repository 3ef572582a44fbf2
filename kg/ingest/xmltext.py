"""Names and text of parsed XML elements, as the JATS reader and its table reader see them."""

from __future__ import annotations

from xml.etree.ElementTree import Element


def local_name(tag: str | object) -> str:
    """An element's name without its namespace (comments and processing instructions: "")."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def text_of(element: Element | None) -> str:
    """All the text of an element, white space collapsed ("" for none)."""
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())
