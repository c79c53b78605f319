"""icld-match: plan the two-day municipal internships of ICLD's training programmes.

Typical use::

    from icld_match import Problem, solve, check
    problem = Problem.load("examples/data/itp-local-democracy-2026.json")
    allocation = solve(problem, time_limit=10, seed=0)
    print(allocation.summary(problem))
    assert check(problem, allocation) == []
"""

from .changes import (
    AddParticipant,
    Change,
    Dropout,
    Forbid,
    Force,
    HostCancels,
    SetCapacity,
    apply_changes,
)
from .check import Violation, check, score
from .diagnose import CoreRule, Diagnosis, diagnose
from .errors import ProblemError, ProblemIssue
from .explain import Explanation, explain
from .index import ProblemIndex, fit_matrix
from .replan import Move, PlanChange, replan, what_if
from .result import Allocation, Status, Team, TermValue, Unplaced
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
    "AddParticipant",
    "Affinity",
    "Allocation",
    "Capacity",
    "Change",
    "Cohort",
    "CoreRule",
    "DateRange",
    "Diagnosis",
    "Dropout",
    "Explanation",
    "Forbid",
    "Force",
    "Host",
    "HostCancels",
    "KeepApart",
    "KeepTogether",
    "Move",
    "Participant",
    "Pin",
    "PlanChange",
    "Problem",
    "ProblemError",
    "ProblemIndex",
    "ProblemIssue",
    "Progress",
    "Rules",
    "SetCapacity",
    "Status",
    "Team",
    "TeamSize",
    "TermValue",
    "Unplaced",
    "Violation",
    "Weights",
    "__version__",
    "apply_changes",
    "check",
    "diagnose",
    "explain",
    "fit_matrix",
    "json_schema",
    "replan",
    "score",
    "solve",
    "what_if",
]
