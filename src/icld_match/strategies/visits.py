"""Study visits for plans made of teams only: the one place a plan gets its visits.

Why here: greedy, decompose and LNS form teams; the whole-group visits are few and meet
the teams only through the clash rule (no group at a host on a day its cohort's team is
there), so the best visits given the teams come from a tiny model in milliseconds. Every
plan the portfolio accepts gets the proven best visits for its teams; the visits a plan
brings (the exact model's, or those decompose and LNS kept) stay only when that model
finds nothing better in time, or when the caller asks to keep them.
"""

from __future__ import annotations

from ..analysis.check import check
from ..engine.clock import Deadline
from ..engine.cpsat import run_visits
from ..index.problem_index import ProblemIndex
from ..records.catalogue import VISIT_RULES
from ..records.result import Allocation, Status


def needs_visits(index: ProblemIndex) -> bool:
    return len(index.visits) > 0


#: Rules a plan's visits can break: the visit rules, and the travel budgets (visits' trips
#: are paid from them too).
_VISITS_BREAK = frozenset({*VISIT_RULES, "travel_budget"})


def visits_hold(index: ProblemIndex, plan: Allocation) -> bool:
    """Whether the plan's visits break no visit rule and keep the travel budgets (with its
    own teams)."""
    return not any(v.rule in _VISITS_BREAK for v in check(index.problem, plan))


def with_visits(
    index: ProblemIndex, plan: Allocation, deadline: Deadline, *, keep: bool = False
) -> Allocation | None:
    """The plan with the best study visits given its teams; None when no visits fit them.

    The plan's own visits stay when they hold and no proven best ones were found in time
    (decompose and LNS keep the visits they were given, so their plans never lose them),
    or, with ``keep``, whenever they hold (they were planned for these teams already).
    """
    if not needs_visits(index):
        return plan
    if keep and plan.visits and visits_hold(index, plan):
        return plan
    outcome = run_visits(index, plan.teams, deadline=deadline)
    if outcome.status is Status.OPTIMAL:  # at least as good as any visits that hold
        return plan.model_copy(update={"visits": outcome.visits})
    if plan.visits and visits_hold(index, plan):
        return plan
    if not outcome.found:
        return None
    return plan.model_copy(update={"visits": outcome.visits})
