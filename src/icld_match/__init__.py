"""icld-match: plan the two-day municipal internships of ICLD's training programmes.

Typical use::

    from icld_match import Problem, solve, check
    problem = Problem.load("examples/data/itp-local-democracy-2026.json")
    allocation = solve(problem, time_limit=10, seed=0)
    print(allocation.summary(problem))
    assert check(problem, allocation) == []
"""

from .check import Violation, check, score
from .errors import ProblemError, ProblemIssue
from .explain import Explanation, explain
from .index import ProblemIndex, fit_matrix
from .result import Allocation, Status, Team, TermValue
from .schema import (
    Affinity,
    Capacity,
    Cohort,
    DateRange,
    Host,
    KeepApart,
    KeepTogether,
    Participant,
    Pin,
    Problem,
    Rules,
    TeamSize,
    Weights,
    json_schema,
)
from .solve import Progress, solve

__version__ = "0.1.0"

__all__ = [
    "Affinity",
    "Allocation",
    "Capacity",
    "Cohort",
    "DateRange",
    "Explanation",
    "Host",
    "KeepApart",
    "KeepTogether",
    "Participant",
    "Pin",
    "Problem",
    "ProblemError",
    "ProblemIndex",
    "ProblemIssue",
    "Progress",
    "Rules",
    "Status",
    "Team",
    "TeamSize",
    "TermValue",
    "Violation",
    "Weights",
    "__version__",
    "check",
    "explain",
    "fit_matrix",
    "json_schema",
    "score",
    "solve",
]
