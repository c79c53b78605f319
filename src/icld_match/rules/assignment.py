"""Hard: every participant travels in exactly one team."""

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    for p, slots in enumerate(ctx.of_participant):
        ctx.model.add_exactly_one(ctx.x[p, s] for s in slots)
