"""Hard: the members of a keep-together group travel in the same team."""

from collections.abc import Sequence

from ..model import ModelContext


def tie(ctx: ModelContext, members: Sequence[int], rule: str, label: str) -> None:
    """Every member is in a slot exactly when the first member is (0 where not allowed)."""
    first, *others = members
    records = tuple(ctx.index.problem.participants[p].id for p in members)
    slots = {s for p in members for s in ctx.of_participant[p]}
    for s in sorted(slots):
        for p in others:
            ctx.require(ctx.var(p, s) == ctx.var(first, s), rule, label, records)


def apply(ctx: ModelContext) -> None:
    for i, group in enumerate(ctx.index.problem.keep_together):
        tie(ctx, ctx.index.participant_rows(group.members), "keep_together", f"keep_together[{i}]")
