"""Hard: every participant travels in exactly one team.

In relaxed mode (``allow_unplaced``) a participant may be left out; the solver then
places as many as it can first (see :mod:`icld_match.strategies.solve`).
"""

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    for p, participant in enumerate(ctx.index.problem.participants):
        placed = ctx.placed(p)
        if ctx.allow_unplaced or ctx.assumptions is not None:
            ctx.model.add(placed <= 1)
        if not ctx.allow_unplaced:
            ctx.require(placed == 1, "placement", participant.id, (participant.id,))
