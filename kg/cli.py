"""The `kg` command: one sub-command per module in kg.commands, each a thin shell.

A command module defines ``register(subparsers)``, which adds its parser and sets
``func`` to a callable taking the parsed arguments and returning the exit code.

Errors reach the user here as one line naming the problem, with the exit code of its kind
(kg.errors). A reader that stops reading (``kg stats | head``) ends the command quietly with
141, what a shell reports for a program stopped by SIGPIPE; any other exception is a bug
and keeps its traceback.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from kg import __version__
from kg.errors import KgError

COMMANDS = (
    "build",
    "add",
    "remove",
    "documents",
    "import_",
    "query",
    "resolve",
    "export",
    "related",
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
        sys.stdout.flush()
    except KgError as exc:
        print(f"kg {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        _discard_stdout()
        return BROKEN_PIPE
    except KeyboardInterrupt:
        return 130
    return code


BROKEN_PIPE = 128 + 13
"""The exit code of a command whose reader went away (128 + SIGPIPE, as shells report)."""


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so flushing what is left at exit raises nothing more."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (tests capture it): nothing will be flushed to a pipe
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, descriptor)
    os.close(null)


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
