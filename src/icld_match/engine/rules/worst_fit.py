"""Soft reward: the lowest thematic fit of any placed participant (fairness).

One integer variable ``worst`` in objective units (weight x fit x SCALE, rounded down
so that the model never claims more than the plan earns: a proof of optimality must hold
for the re-scored plan) is bounded by each participant's weighted fit, the sum over their
slots of that value times the literal; maximising it lifts the worst-off participant.
Someone left unplaced (relaxed mode, diagnosis) bounds nothing, and with nobody placed
the value is 0, as the referee counts it. With weight 0 nothing is added.
"""

import math

from ..model import SCALE, ModelContext


def _units(value: float) -> int:
    """Objective units of a weighted fit, rounded down (1e-9 absorbs float noise)."""
    return math.floor(value * SCALE + 1e-9)


def apply(ctx: ModelContext) -> None:
    index = ctx.index
    weight = index.problem.weights.worst_fit
    if weight <= 0:
        return
    top = _units(weight)
    if top <= 0:
        return
    worst = ctx.model.new_int_var(0, top, "worst_fit")
    relaxed = ctx.allow_unplaced or ctx.assumptions is not None
    for p in range(index.n_participants):
        slots = ctx.of_participant[p]
        value = sum(
            _units(weight * float(index.fit[p, ctx.slots[s].host])) * ctx.x[p, s] for s in slots
        )
        if relaxed:
            ctx.model.add(worst <= value + top * (1 - ctx.placed(p)))
        else:
            ctx.model.add(worst <= value)
    if relaxed:
        ctx.model.add(worst <= top * sum(ctx.x.values()))
    term = ctx.new_term("worst_fit", "reward", weight)
    term.add(1.0 / (weight * SCALE), worst)
