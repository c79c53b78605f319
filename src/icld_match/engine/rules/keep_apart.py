"""Hard: no two members of a keep-apart group share a team."""

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    for i, group in enumerate(ctx.index.problem.keep_apart):
        members = ctx.index.participant_rows(group.members)
        slots = {s for p in members for s in ctx.of_participant[p]}
        for s in sorted(slots):
            present = [ctx.x[p, s] for p in members if (p, s) in ctx.x]
            if len(present) > 1:
                label = f"keep_apart[{i}]"
                ctx.require(sum(present) <= 1, "keep_apart", label, tuple(group.members))
