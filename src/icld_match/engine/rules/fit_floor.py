"""A floor on each participant's thematic fit (``rules.fit_floor``).

Hard: the index's ``fit_floor`` mask closes every pair below the floor, so nothing is
added here; when diagnosing, the mask is lifted and each participant's floor becomes a
named assumption, so a conflict can name it. Soft: a penalty of the shortfall
``max(0, floor - fit)`` per placed participant (the raw matrix ``pair_terms["fit_floor"]``).
"""

from ...index.problem_index import FIT_FLOOR_TOLERANCE
from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    index = ctx.index
    rules = index.problem.rules
    if rules.fit_floor is None:
        return
    if rules.fit_floor_strictness == "soft":
        term = ctx.new_term("fit_floor", "penalty", index.problem.weights.fit_floor)
        shortfall = index.pair_terms["fit_floor"]
        for (p, s), var in ctx.x.items():
            term.add(float(shortfall[p, ctx.slots[s].host]), var)
        return
    floor = rules.fit_floor
    for p, participant in enumerate(index.problem.participants):
        below = [
            ctx.x[p, s]
            for s in ctx.of_participant[p]
            if index.fit[p, ctx.slots[s].host] < floor - FIT_FLOOR_TOLERANCE
        ]
        if below:
            label = f"{participant.id} (floor {floor:g})"
            ctx.require(sum(below) == 0, "fit_floor", label, (participant.id,))
