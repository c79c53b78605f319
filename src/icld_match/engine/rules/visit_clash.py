"""Hard: a host does not receive a cohort's whole group on a day one of that cohort's
internship teams is with it, unless its group offer allows both (``with_teams``).

A team is at its host on each of its internship days: on the cohort's fixed dates the
clash links the visit literal to the ``used`` literal of each team slot of the same cohort
at the same host; when the plan chooses the days (a window), to each start literal whose
days include the visit's day. With the teams given (the visits-only model) it forbids a
visit on a day a team of the cohort is at that host (a constant, or a literal fixed per
solve).
"""

from datetime import date

from ortools.sat.python import cp_model

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    problem = ctx.index.problem
    for k, (c, visit_id) in enumerate(ctx.index.visits.keys):
        cohort = problem.cohorts[c]
        for option, var in ctx.visit_vars[k]:
            host = problem.hosts[option.host]
            assert host.group_visits is not None
            if host.group_visits.with_teams or not (
                cohort.span.start <= option.day <= cohort.span.end
            ):
                continue
            label = f"{visit_id} of {cohort.id} at {host.id}"
            records = (cohort.id, visit_id, host.id)
            if ctx.fixed_teams is not None:
                present = ctx.fixed_teams.get((c, option.host, option.day))
                if present is not None:
                    ctx.require(var + present <= 1, "visit_clash", label, records)
                continue
            for s in ctx.slots_at.get((c, option.host), []):
                for present in _present(ctx, s, option.day):
                    ctx.require(var + present <= 1, "visit_clash", label, records)


def _present(ctx: ModelContext, slot: int, day: date) -> list[cp_model.IntVar]:
    """Literals that put the slot's team at its host on ``day``."""
    cohort = ctx.index.problem.cohorts[ctx.slots[slot].cohort]
    starts = ctx.starts.get(slot)
    if not starts:
        return [ctx.used[slot]] if cohort.span.start <= day <= cohort.span.end else []
    return [
        literal
        for start, literal in starts.items()
        if cohort.dates_from(start).start <= day <= cohort.dates_from(start).end
    ]
