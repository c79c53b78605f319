"""Hard: the trips of a cohort's teams and study visits, and of the whole season, stay
in budget.

Costs are whole öre (see :mod:`icld_match.records.travel`), so the sums are exact integers;
a budget is rounded down to the öre, so the model never accepts a plan the referee rejects.
In the visits-only model the teams are given: their cost (``ctx.fixed_travel``) is spent
already, and the visits get what is left.
"""

from collections import defaultdict
from typing import Any

from ...records.travel import budget_units
from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    problem = ctx.index.problem
    paid = _trips(ctx)
    spent = ctx.fixed_travel or {}
    for c, cohort in enumerate(problem.cohorts):
        if cohort.travel_budget is None or not paid[c]:
            continue
        spend = spent.get(c, 0) + sum(cost * var for var, cost in paid[c])
        limit = budget_units(cohort.travel_budget)
        ctx.require(spend <= limit, "travel_budget", cohort.id, (cohort.id,))
    everything = [item for items in paid.values() for item in items]
    if problem.travel_budget is not None and everything:
        spend = sum(spent.values()) + sum(cost * var for var, cost in everything)
        records = tuple(c.id for c in problem.cohorts)
        limit = budget_units(problem.travel_budget)
        ctx.require(spend <= limit, "travel_budget", "season", records)


def _trips(ctx: ModelContext) -> dict[int, list[tuple[Any, int]]]:
    """Cohort -> (literal, öre) of every team slot and visit option that costs something."""
    index = ctx.index
    paid: dict[int, list[tuple[Any, int]]] = defaultdict(list)
    units = index.travel_units
    for s, slot in enumerate(ctx.slots):
        cost = int(units[slot.cohort, slot.host])
        if cost > 0:
            paid[slot.cohort].append((ctx.used[s], cost))
    group = index.visit_travel_units
    for k, (c, _) in enumerate(index.visits.keys):
        for option, var in ctx.visit_vars[k]:
            cost = int(group[c, option.host])
            if cost > 0:
                paid[c].append((var, cost))
    return paid
