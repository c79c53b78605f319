"""Hard: a host does not receive a cohort's whole group on a day one of that cohort's
internship teams is with it, unless its group offer allows both (``with_teams``).

A team is at its host on every internship day, so the clash links the visit literal to
the ``used`` literal of each team slot of the same cohort at the same host; with the teams
given (the visits-only model) it forbids the visit outright.
"""

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    problem = ctx.index.problem
    for k, (c, visit_id) in enumerate(ctx.index.visits.keys):
        cohort = problem.cohorts[c]
        for option, var in ctx.visit_vars[k]:
            host = problem.hosts[option.host]
            assert host.group_visits is not None
            if host.group_visits.with_teams or not (
                cohort.internship.start <= option.day <= cohort.internship.end
            ):
                continue
            label = f"{visit_id} of {cohort.id} at {host.id}"
            records = (cohort.id, visit_id, host.id)
            if ctx.fixed_teams is not None:
                if (c, option.host) in ctx.fixed_teams:
                    ctx.require(var == 0, "visit_clash", label, records)
                continue
            for s in ctx.slots_at.get((c, option.host), []):
                ctx.require(var + ctx.used[s] <= 1, "visit_clash", label, records)
