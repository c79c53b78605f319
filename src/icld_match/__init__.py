"""icld-match: plan the two-day municipal internships of ICLD's training programmes.

Typical use::

    from icld_match import check, load_problem, solve
    problem = load_problem("examples/data/itp-local-democracy-2026.json")
    allocation = solve(problem, time_limit=10, seed=0)
    print(allocation.summary(problem))
    assert check(problem, allocation) == []
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the type checker sees plain imports; the interpreter loads lazily
    from .analysis.check import Violation, check, score
    from .analysis.diagnose import CoreRule, Diagnosis, diagnose
    from .analysis.explain import Explanation, explain
    from .engine.clock import StopFlag
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
    from .records.result import Allocation, Status, Team, TermValue, Unplaced, Visit
    from .records.schema import (
        Affinity,
        Base,
        Capacity,
        Cohort,
        DateRange,
        GroupVisits,
        Host,
        KeepApart,
        KeepTogether,
        Location,
        Participant,
        PastVisit,
        Pin,
        Problem,
        Rules,
        StudyVisit,
        TeamSize,
        TravelCost,
        TravelSettings,
        Weights,
    )
    from .records.travel import travel_cost
    from .strategies.solve import Progress, solve

__version__ = "0.1.0"

#: Where each public name lives. The package imports nothing heavy up front, so that
#: ``icld-match --help`` need not load OR-Tools (about a second); a name's module is
#: imported on first use (PEP 562).
_EXPORTS: dict[str, str] = {
    "Violation": ".analysis.check",
    "check": ".analysis.check",
    "score": ".analysis.check",
    "CoreRule": ".analysis.diagnose",
    "Diagnosis": ".analysis.diagnose",
    "diagnose": ".analysis.diagnose",
    "Explanation": ".analysis.explain",
    "explain": ".analysis.explain",
    "StopFlag": ".engine.clock",
    "fit_matrix": ".index.problem_index",
    "allocation_from_json": ".io.json_files",
    "changes_from_json": ".io.json_files",
    "json_schema": ".io.json_files",
    "load_allocation": ".io.json_files",
    "load_changes": ".io.json_files",
    "load_problem": ".io.json_files",
    "problem_from_json": ".io.json_files",
    "AddParticipant": ".planning.changes",
    "Change": ".planning.changes",
    "Dropout": ".planning.changes",
    "Forbid": ".planning.changes",
    "Force": ".planning.changes",
    "HostCancels": ".planning.changes",
    "SetCapacity": ".planning.changes",
    "apply_changes": ".planning.changes",
    "Move": ".planning.replan",
    "PlanChange": ".planning.replan",
    "replan": ".planning.replan",
    "what_if": ".planning.replan",
    "ProblemError": ".records.errors",
    "ProblemIssue": ".records.errors",
    "Allocation": ".records.result",
    "Status": ".records.result",
    "Team": ".records.result",
    "TermValue": ".records.result",
    "Unplaced": ".records.result",
    "Visit": ".records.result",
    "Affinity": ".records.schema",
    "Capacity": ".records.schema",
    "Cohort": ".records.schema",
    "DateRange": ".records.schema",
    "GroupVisits": ".records.schema",
    "Host": ".records.schema",
    "KeepApart": ".records.schema",
    "KeepTogether": ".records.schema",
    "Participant": ".records.schema",
    "PastVisit": ".records.schema",
    "Pin": ".records.schema",
    "Problem": ".records.schema",
    "Rules": ".records.schema",
    "StudyVisit": ".records.schema",
    "TeamSize": ".records.schema",
    "Base": ".records.schema",
    "Location": ".records.schema",
    "TravelCost": ".records.schema",
    "TravelSettings": ".records.schema",
    "travel_cost": ".records.travel",
    "Weights": ".records.schema",
    "Progress": ".strategies.solve",
    "solve": ".strategies.solve",
}


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` on first access, then cache the value."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "AddParticipant",
    "Affinity",
    "Allocation",
    "Base",
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
    "GroupVisits",
    "Host",
    "HostCancels",
    "KeepApart",
    "KeepTogether",
    "Location",
    "Move",
    "Participant",
    "PastVisit",
    "Pin",
    "PlanChange",
    "Problem",
    "ProblemError",
    "ProblemIssue",
    "Progress",
    "Rules",
    "SetCapacity",
    "Status",
    "StopFlag",
    "StudyVisit",
    "Team",
    "TeamSize",
    "TermValue",
    "TravelCost",
    "TravelSettings",
    "Unplaced",
    "Violation",
    "Visit",
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
    "travel_cost",
    "what_if",
]
