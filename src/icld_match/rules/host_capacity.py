"""Hard: at any one time a host receives at most its max teams and max participants.

Cohorts whose internships share a day are at the host together, so the capacity holds
for each maximal set of overlapping cohorts (see ``ProblemIndex.concurrent_cohorts``).
"""

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    hosts = ctx.index.problem.hosts
    for group in ctx.index.concurrent_cohorts:
        for h, host in enumerate(hosts):
            slots = [s for c in group for s in ctx.slots_at.get((c, h), [])]
            if not slots:
                continue
            ctx.model.add(sum(ctx.used[s] for s in slots) <= host.capacity.max_teams)
            ctx.model.add(sum(ctx.size(s) for s in slots) <= host.capacity.max_participants)
