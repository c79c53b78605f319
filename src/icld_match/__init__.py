"""icld-match: plan the two-day municipal internships of ICLD's training programmes.

Typical use::

    from icld_match import check, load_problem, solve
    problem = load_problem("examples/data/itp-local-democracy-2026.json")
    allocation = solve(problem, time_limit=10, seed=0)
    print(allocation.summary(problem))
    assert check(problem, allocation) == []
"""

from .analysis.check import Violation, check, score
from .analysis.diagnose import CoreRule, Diagnosis, diagnose
from .analysis.explain import Explanation, explain
from .index.problem_index import fit_matrix
from .io.json_files import (
    allocation_from_json,
    changes_from_json,
    json_schema,
    load_allocation,
    load_changes,
    load_problem,
    problem_from_json,
)
from .planning.changes import (
    AddParticipant,
    Change,
    Dropout,
    Forbid,
    Force,
    HostCancels,
    SetCapacity,
    apply_changes,
)
from .planning.replan import Move, PlanChange, replan, what_if
from .records.errors import ProblemError, ProblemIssue
from .records.result import Allocation, Status, Team, TermValue, Unplaced
from .records.schema import (
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
)
from .strategies.solve import Progress, solve

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
    "allocation_from_json",
    "apply_changes",
    "changes_from_json",
    "check",
    "diagnose",
    "explain",
    "fit_matrix",
    "json_schema",
    "load_allocation",
    "load_changes",
    "load_problem",
    "problem_from_json",
    "replan",
    "score",
    "solve",
    "what_if",
]
