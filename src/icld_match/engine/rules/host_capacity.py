"""Hard: at any one time a host receives at most its max teams and max participants.

Cohorts whose internships share a day are at the host together, so the capacity holds
for each maximal set of overlapping cohorts (see ``ProblemIndex.concurrent_cohorts``).

With windows (days chosen by the plan) the capacity is counted day by day instead, over
the days each team's start literal gives it (:mod:`icld_match.engine.calendar`).
"""

from ..calendar import add_daily_capacity
from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    if ctx.index.has_windows:
        add_daily_capacity(ctx)
        return
    problem = ctx.index.problem
    for group in ctx.index.concurrent_cohorts:
        cohort_ids = tuple(problem.cohorts[c].id for c in sorted(group))
        for h, host in enumerate(problem.hosts):
            slots = [s for c in group for s in ctx.slots_at.get((c, h), [])]
            if not slots:
                continue
            label = f"{host.id} for {', '.join(cohort_ids)}"
            records = (host.id, *cohort_ids)
            teams = sum(ctx.used[s] for s in slots)
            people = sum(ctx.size(s) for s in slots)
            ctx.require(teams <= host.capacity.max_teams, "host_capacity", label, records)
            ctx.require(people <= host.capacity.max_participants, "host_capacity", label, records)
