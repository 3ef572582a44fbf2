"""Options several commands share, so they read and document the same way everywhere."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.errors import InputError
from kg.settings import DEFAULT_RESOLVE_DEADLINE, Settings, seconds


def positive_seconds(value: str) -> float:
    """An argparse type: a positive number of seconds (argparse turns the error into exit 2)."""
    try:
        return seconds(value, "the value")
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def non_negative_seconds(value: str) -> float:
    """An argparse type for time limits where 0 means none: no negative numbers."""
    try:
        return 0.0 if float(value) == 0 else seconds(value, "the value")
    except (ValueError, InputError) as exc:
        raise argparse.ArgumentTypeError(
            f"must be 0 (no limit) or a positive number of seconds, not {value!r}"
        ) from exc


def add_store_option(parser: argparse.ArgumentParser) -> None:
    # Only the store's default: a bad KG_RESOLVE_DEADLINE is reported when the command runs.
    default = Settings.resolve(resolve_deadline=DEFAULT_RESOLVE_DEADLINE).store
    parser.add_argument(
        "--store",
        metavar="DIR|URL",
        help="graph store directory, or sparql+http://…/sparql for a SPARQL 1.1 server "
        f"(default: $KG_STORE, else {default})",
    )


def add_crossref_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--crossref-url", help="Crossref API base URL (KG_CROSSREF_API)")
    parser.add_argument("--mailto", help="contact e-mail for Crossref's polite pool (KG_MAILTO)")
    parser.add_argument("--cache-dir", type=Path, help="where answers are cached (KG_CACHE_DIR)")
    parser.add_argument(
        "--offline",
        action="store_true",
        help="never contact Crossref, answer from the cache only (KG_OFFLINE=1)",
    )
    parser.add_argument(
        "--deadline",
        type=positive_seconds,
        metavar="SECONDS",
        help="stop asking Crossref after this long, all references together; what is left "
        f"is reported and exits 5 (KG_RESOLVE_DEADLINE; default {DEFAULT_RESOLVE_DEADLINE:g})",
    )
    parser.add_argument(
        "--opencitations-url", help="OpenCitations Index v2 API base URL (KG_OPENCITATIONS_API)"
    )
    parser.add_argument(
        "--no-related",
        action="store_true",
        help="build without the related-literature layer (citing works, co-citation...)",
    )


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the shared options a command has, then the environment."""
    return Settings.resolve(
        store=getattr(args, "store", None),
        cache_dir=getattr(args, "cache_dir", None),
        crossref_api=getattr(args, "crossref_url", None),
        mailto=getattr(args, "mailto", None),
        offline=getattr(args, "offline", False) or None,
        resolve_deadline=getattr(args, "deadline", None),
        opencitations_api=getattr(args, "opencitations_url", None),
        related=not getattr(args, "no_related", False),
    )
