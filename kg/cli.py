"""The `kg` command: one sub-command per module in kg.commands, each a thin shell.

A command module defines ``register(subparsers)``, which adds its parser and sets
``func`` to a callable taking the parsed arguments and returning the exit code.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from kg import __version__
from kg.errors import KgError

COMMANDS = (
    "build",
    "import_",
    "query",
    "resolve",
    "export",
    "validate",
    "serve",
    "stats",
    "dashboard",
)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser with every command, or with just the command ``only`` (faster start-up:
    each command module imports its own libraries, and most commands need few of them)."""
    parser = argparse.ArgumentParser(
        prog="kg", description="casekg: case reports and their literature as a knowledge graph"
    )
    parser.add_argument("--version", action="version", version=f"casekg {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        if only is not None and name.rstrip("_") != only:
            continue
        importlib.import_module(f"kg.commands.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    named = arguments[0] if arguments else None
    known = {name.rstrip("_") for name in COMMANDS}
    parser = build_parser(only=named if named in known else None)
    args = parser.parse_args(arguments)
    try:
        code: int = args.func(args)
    except KgError as exc:
        print(f"kg {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    return code


def run() -> NoReturn:
    """The console script: ``main``, then exit without a last sweep of cyclic garbage.

    A build leaves some hundred thousand rdflib objects in reference cycles; collecting them
    at interpreter exit costs a fifth of a second and frees memory the OS takes back anyway.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
