"""Settings resolved from flags, then the environment, then defaults (DESIGN.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError

DEFAULT_CROSSREF_API = "https://api.crossref.org"
DEFAULT_OPENCITATIONS_API = "https://api.opencitations.net/index/v2"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
CORPUS_DIR = PROJECT_ROOT / "corpus"
SHARED_DIR = Path(os.environ.get("KG_SHARED_DIR") or PROJECT_ROOT.parent / "shared")
"""The team's shared folder (recorded Crossref fixtures, verified reference notes), laid
beside the clone; only tests and benchmarks read it."""


def _data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def _cache_home() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


DEFAULT_RESOLVE_DEADLINE = 300.0
"""Seconds a command may spend resolving references through Crossref, all documents
together: a thousand references or more at the polite pool's pace; what is not checked by
then is reported and left unresolved (exit 5), not waited for, and the next run resumes."""


def seconds(value: str, name: str) -> float:
    """A positive number of seconds from an option or the environment; else InputError."""
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not number > 0 or number == float("inf"):
        raise InputError(f"{name} must be a positive number of seconds, not {value!r}")
    return number


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _store_location(value: str | Path) -> Path | str:
    """A store directory, or a SPARQL server's ``sparql+http(s)://…`` endpoint kept as text."""
    text = str(value)
    return text if text.startswith(("sparql+http://", "sparql+https://")) else Path(value)


@dataclass(frozen=True)
class Settings:
    store: Path | str
    cache_dir: Path
    crossref_api: str
    mailto: str | None
    offline: bool
    resolve_deadline: float = DEFAULT_RESOLVE_DEADLINE
    opencitations_api: str = DEFAULT_OPENCITATIONS_API
    related: bool = True
    """Whether builds make the related-literature layer (``--no-related``: not)."""

    @classmethod
    def resolve(
        cls,
        store: str | Path | None = None,
        cache_dir: str | Path | None = None,
        crossref_api: str | None = None,
        mailto: str | None = None,
        offline: bool | None = None,
        resolve_deadline: float | None = None,
        opencitations_api: str | None = None,
        related: bool = True,
    ) -> Settings:
        env = os.environ
        deadline = resolve_deadline
        if deadline is None and env.get("KG_RESOLVE_DEADLINE"):
            deadline = seconds(env["KG_RESOLVE_DEADLINE"], "KG_RESOLVE_DEADLINE")
        return cls(
            store=_store_location(
                store or env.get("KG_STORE") or _data_home() / "casekg" / "store"
            ),
            cache_dir=Path(cache_dir or env.get("KG_CACHE_DIR") or _cache_home() / "casekg"),
            crossref_api=(crossref_api or env.get("KG_CROSSREF_API") or DEFAULT_CROSSREF_API),
            mailto=mailto or env.get("KG_MAILTO") or None,
            offline=offline if offline else _truthy(env.get("KG_OFFLINE")),
            resolve_deadline=deadline or DEFAULT_RESOLVE_DEADLINE,
            opencitations_api=(
                opencitations_api or env.get("KG_OPENCITATIONS_API") or DEFAULT_OPENCITATIONS_API
            ),
            related=related,
        )
