"""Soft reward: the lowest thematic fit of any placed participant (fairness).

One integer variable ``worst`` in objective units (weight x fit x SCALE, the same
rounding as the thematic-fit term) is bounded by each participant's weighted fit, the
sum over their slots of that value times the literal; maximising it lifts the worst-off
participant. Someone left unplaced (relaxed mode, diagnosis) bounds nothing, and with
nobody placed the value is 0, as the referee counts it. With weight 0 nothing is added.
"""

from ..model import SCALE, ModelContext


def apply(ctx: ModelContext) -> None:
    index = ctx.index
    weight = index.problem.weights.worst_fit
    if weight <= 0:
        return
    top = round(weight * SCALE)
    if top <= 0:
        return
    worst = ctx.model.new_int_var(0, top, "worst_fit")
    relaxed = ctx.allow_unplaced or ctx.assumptions is not None
    for p in range(index.n_participants):
        slots = ctx.of_participant[p]
        value = sum(
            round(weight * float(index.fit[p, ctx.slots[s].host]) * SCALE) * ctx.x[p, s]
            for s in slots
        )
        if relaxed:
            ctx.model.add(worst <= value + top * (1 - ctx.placed(p)))
        else:
            ctx.model.add(worst <= value)
    if relaxed:
        ctx.model.add(worst <= top * sum(ctx.x.values()))
    term = ctx.new_term("worst_fit", "reward", weight)
    term.add(1.0 / (weight * SCALE), worst)
