"""Hard: an opened team has between the cohort's minimum and maximum members; a closed one none."""

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    for s, slot in enumerate(ctx.slots):
        low, high = ctx.team_size_bounds(slot.cohort)
        size = ctx.size(s)
        ctx.model.add(size >= low * ctx.used[s])
        ctx.model.add(size <= high * ctx.used[s])
