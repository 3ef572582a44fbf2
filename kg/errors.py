"""Errors that reach the user: each names the problem and carries the command's exit code.

Exit codes (documented in the README):
0 success · 1 the command ran and found problems (e.g. SHACL violations) · 2 bad input or
usage (unreadable document, SPARQL syntax error, empty input, an output file that cannot be
written) · 3 store problem (no graph built yet, store locked or corrupt) · 4 network problem
(Crossref unreachable and nothing cached) · 5 finished, but some references or works could
not be checked · 141 the reader of the output went away (kg.cli, no error line).
"""

from __future__ import annotations

UNCHECKED = 5
"""Exit status of a command that finished, but could not check some references or works
(Crossref failing, unreachable, or the resolution deadline; never for --offline)."""


class KgError(Exception):
    """Base class: the message is shown to the user as is."""

    exit_code = 1


class InputError(KgError):
    """The input (document, query, file, argument) is not usable."""

    exit_code = 2


class StoreError(KgError):
    """The triple store is missing, locked or cannot be written."""

    exit_code = 3


class NetworkError(KgError):
    """A remote service could not be reached and nothing cached could stand in for it."""

    exit_code = 4
