"""First plans: fast constructions that give the portfolio a valid plan within a second.

Why several: the greedy coordinator plan is strong on most instances but can get stuck
on scarce ones; the relaxed variant (people who fit nowhere are left out) always yields
something in relaxed mode. The best valid construction is the portfolio's first plan.
"""

from __future__ import annotations

from ..analysis.check import objective as objective_of
from ..index.problem_index import ProblemIndex
from ..records.result import Allocation
from .context import Context
from .greedy import greedy_allocation
from .polish import polish_scored
from .visits import needs_visits, with_visits


def placed(plan: Allocation) -> int:
    return sum(len(t.members) for t in plan.teams)


class Construct:
    """Strategy: the greedy plan (relaxed when people may stay unplaced), polished by
    swapping members between teams (:mod:`.polish`)."""

    name = "greedy"

    def run(
        self, index: ProblemIndex, incumbent: Allocation | None, ctx: Context
    ) -> Allocation | None:
        plan = greedy_allocation(
            index, allow_unplaced=ctx.options.allow_unplaced, deadline=ctx.deadline
        )
        if plan is None:
            return None
        value = objective_of(index.problem, plan)
        if not needs_visits(index):
            ctx.report(value, self.name)  # the first plan, before the swaps
        else:  # a plan is reported with its study visits, as it would be returned
            first = with_visits(index, plan, ctx.deadline)
            if first is not None:
                ctx.report(objective_of(index.problem, first), self.name)
        polished, better = polish_scored(index, plan, value, ctx.deadline)
        if polished is not plan and better is not None and not needs_visits(index):
            ctx.report(better, self.name)  # with visits, the portfolio plans them first
        return polished
