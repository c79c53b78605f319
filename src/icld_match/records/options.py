"""The run options every entry point takes (time limit, seed, workers), checked once.

Why here: the CLI and the Python API must refuse the same values with the same words, and
a value CP-SAT cannot take (a float seed, 2**40 workers, an infinite limit) must be a
:class:`ProblemError` naming the option, not a pybind ``TypeError`` from deep inside.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from .errors import ProblemError, ProblemIssue

#: CP-SAT's seed and worker count are 32-bit parameters.
INT32_MAX = 2**31 - 1

#: The option names the Python API uses; the CLI passes its own ("--time-limit", ...).
API_NAMES: Mapping[str, str] = {"time_limit": "time_limit", "seed": "seed", "workers": "workers"}


def _whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _seconds(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and value > 0


def option_issues(
    time_limit: object, seed: object, workers: object, names: Mapping[str, str] = API_NAMES
) -> list[ProblemIssue]:
    """Every problem with the options, each naming its option as ``names`` spells it."""
    issues = []
    if not _seconds(time_limit):
        message = "must be a positive, finite number of seconds"
        issues.append(ProblemIssue(names["time_limit"], "", message))
    if not _whole(seed, -INT32_MAX - 1, INT32_MAX):
        message = f"must be a whole number between {-INT32_MAX - 1} and {INT32_MAX}"
        issues.append(ProblemIssue(names["seed"], "", message))
    if workers is not None and not _whole(workers, 1, INT32_MAX):
        message = f"must be a whole number between 1 and {INT32_MAX}"
        issues.append(ProblemIssue(names["workers"], "", message))
    return issues


def check_options(
    time_limit: object, seed: object, workers: object, names: Mapping[str, str] = API_NAMES
) -> None:
    """Raise one ProblemError listing every bad option (see :func:`option_issues`)."""
    issues = option_issues(time_limit, seed, workers, names)
    if issues:
        raise ProblemError(issues)
