"""Soft penalty: the travel cost of every team's trip and every study visit's trip
(thousands of SEK, weight per 1,000 SEK).

The index holds one team's cost per cohort x host (``team_terms["travel"]``) and one
whole-group visit's (``visit_travel_cost``); a team slot that is used, or a visit option
that is chosen, costs it. Problems without travel data have no such term.
"""

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    index = ctx.index
    term = ctx.team_term("travel")
    if term is None:
        return
    group = index.visit_travel_cost / 1000
    for k, (c, _) in enumerate(index.visits.keys):
        for option, var in ctx.visit_vars[k]:
            if group[c, option.host] > 0:
                term.add(float(group[c, option.host]), var)
