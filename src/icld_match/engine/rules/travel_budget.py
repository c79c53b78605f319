"""Hard: the travel of a cohort's teams, and of all teams of the season, stays in budget.

Costs are whole öre (see :mod:`icld_match.records.travel`), so the sums are exact integers;
a budget is rounded down to the öre, so the model never accepts a plan the referee rejects.
"""

from collections import defaultdict

from ...records.travel import budget_units
from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    problem, units = ctx.index.problem, ctx.index.travel_units
    paid: dict[int, list[tuple[int, int]]] = defaultdict(list)  # cohort -> (slot, öre)
    for s, slot in enumerate(ctx.slots):
        cost = int(units[slot.cohort, slot.host])
        if cost > 0:
            paid[slot.cohort].append((s, cost))
    for c, cohort in enumerate(problem.cohorts):
        if cohort.travel_budget is None or not paid[c]:
            continue
        spend = sum(cost * ctx.used[s] for s, cost in paid[c])
        limit = budget_units(cohort.travel_budget)
        ctx.require(spend <= limit, "travel_budget", cohort.id, (cohort.id,))
    everything = [item for items in paid.values() for item in items]
    if problem.travel_budget is not None and everything:
        spend = sum(cost * ctx.used[s] for s, cost in everything)
        records = tuple(c.id for c in problem.cohorts)
        limit = budget_units(problem.travel_budget)
        ctx.require(spend <= limit, "travel_budget", "season", records)
