"""Soft reward: the summed fit of every participant with the host they visit."""

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    term = ctx.new_term("thematic_fit", "reward", ctx.index.problem.weights.thematic_fit)
    for (p, s), var in ctx.x.items():
        term.add(float(ctx.index.fit[p, ctx.slots[s].host]), var)
