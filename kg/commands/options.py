"""Options several commands share, so they read and document the same way everywhere."""

from __future__ import annotations

import argparse

from kg.settings import Settings


def add_store_option(parser: argparse.ArgumentParser) -> None:
    default = Settings.resolve().store
    parser.add_argument(
        "--store",
        metavar="DIR",
        help=f"graph store directory (default: $KG_STORE, else {default})",
    )
