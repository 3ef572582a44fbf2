"""Options several commands share, so they read and document the same way everywhere."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.settings import Settings


def add_store_option(parser: argparse.ArgumentParser) -> None:
    default = Settings.resolve().store
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


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the shared options a command has, then the environment."""
    return Settings.resolve(
        store=getattr(args, "store", None),
        cache_dir=getattr(args, "cache_dir", None),
        crossref_api=getattr(args, "crossref_url", None),
        mailto=getattr(args, "mailto", None),
        offline=getattr(args, "offline", False) or None,
    )
