"""Errors the core raises, mapped by the CLI to DESIGN.md's exit codes.

The core stays independent of click: it raises these, and ``watch.cli`` turns them into a
one-line message on stderr with exit 2 (bad input, nothing written) or 1 (partial failure).
"""

from __future__ import annotations


class VigieError(Exception):
    """Base class; ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class InputError(VigieError):
    """Bad usage or bad input: the command wrote nothing."""

    exit_code = 2


class PartialFailure(VigieError):
    """The work ran but something failed (a source errored); the rest was kept."""

    exit_code = 1
