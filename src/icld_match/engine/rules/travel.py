"""Soft penalty: the travel cost of every team's trip (thousands of SEK, weight per 1,000 SEK).

The index holds one team's cost per cohort x host (``team_terms["travel"]``); a team slot
that is used costs it. Problems without travel data have no such term.
"""

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    index = ctx.index
    raw = index.team_terms.get("travel")
    if raw is None:
        return
    term = ctx.new_term("travel", "penalty", index.problem.weights.travel)
    for s, slot in enumerate(ctx.slots):
        term.add(float(raw[slot.cohort, slot.host]), ctx.used[s])
