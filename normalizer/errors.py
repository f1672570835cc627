"""The one error tree of newsnorm.

Every error the core raises is a :class:`NewsnormError`; only ``cli.py`` turns them
into exit codes. Messages are one line and say what to do about the problem.
"""

from __future__ import annotations

__all__ = [
    "InputError",
    "InterruptedRunError",
    "NewsnormError",
    "SettingsError",
    "StoreError",
    "UnsafeInputError",
]


class NewsnormError(Exception):
    """Base class of every error newsnorm raises on purpose."""


class InputError(NewsnormError):
    """One input cannot be read: the run goes on without it.

    Args:
        source: the input's name as the user gave it (path, URL or ``-``).
        problem: what is wrong with it, one line.
    """

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = " ".join(problem.split())
        super().__init__(f"{source}: {self.problem}")

    def __reduce__(self) -> tuple[type[InputError], tuple[object, ...]]:
        # Pickled by what it was made of (a worker process raises it to the one that
        # stores), not by its message: unpickling calls the class with those.
        return type(self), (self.source, self.problem)


class UnsafeInputError(InputError):
    """An input tries something a parser must never do (entities, external DTDs)."""


class SettingsError(NewsnormError):
    """A setting or configuration file is wrong."""


class StoreError(NewsnormError):
    """The store cannot be opened or is incompatible with this run's parameters."""


class OutputError(NewsnormError):
    """An output (a feed file) could not be written; what was there before is kept."""


class InterruptedRunError(NewsnormError):
    """The run was stopped (Ctrl-C) between or inside inputs; ``summary`` holds what
    was stored until then (the input being stored was rolled back whole)."""

    def __init__(self, summary: object) -> None:
        self.summary = summary
        super().__init__("interrupted")
