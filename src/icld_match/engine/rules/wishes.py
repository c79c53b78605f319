"""Soft reward: a participant at their r-th wished host (r = 1, 2, ...) earns 1/r."""

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    term = ctx.new_term("wishes", "reward", ctx.index.problem.weights.wishes)
    for (p, s), var in ctx.x.items():
        term.add(float(ctx.index.wish_value[p, ctx.slots[s].host]), var)
