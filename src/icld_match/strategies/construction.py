"""First plans: fast constructions that give the portfolio a valid plan within a second.

Why several: the greedy coordinator plan is strong on most instances but can get stuck
on scarce ones; the relaxed variant (people who fit nowhere are left out) always yields
something in relaxed mode. The best valid construction is the portfolio's first plan.
"""

from __future__ import annotations

from ..index.problem_index import ProblemIndex
from ..records.result import Allocation
from .context import Context
from .greedy import greedy_allocation


def placed(plan: Allocation) -> int:
    return sum(len(t.members) for t in plan.teams)


class Construct:
    """Strategy: the greedy plan (relaxed when people may stay unplaced)."""

    name = "greedy"

    def run(
        self, index: ProblemIndex, incumbent: Allocation | None, ctx: Context
    ) -> Allocation | None:
        plan = greedy_allocation(
            index, allow_unplaced=ctx.options.allow_unplaced, deadline=ctx.deadline
        )
        if plan is not None:
            ctx.report_plan(index, plan, self.name)
        return plan
