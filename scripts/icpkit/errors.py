"""The one user-facing error base and the exit codes the CLI maps results to."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Documented exit codes of every `icp` command."""

    OK = 0
    #: validation problems, failing rule tests, regressions, unreadable input
    FINDINGS = 1
    #: bad usage or an internal error
    USAGE = 2
    #: interrupted (Ctrl-C, SIGTERM): 128 + SIGINT, as shells report it
    INTERRUPTED = 130


class IcpError(Exception):
    """Base of every error meant for a person. Caught once, in the CLI."""

    exit_code: ExitCode = ExitCode.FINDINGS

    def __init__(self, message: str, *, exit_code: ExitCode | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(IcpError):
    """The command was called wrongly (unknown option value, missing file)."""

    exit_code = ExitCode.USAGE


class InputError(IcpError):
    """An input file (profile, fixture, export) cannot be used at all."""

    exit_code = ExitCode.FINDINGS
