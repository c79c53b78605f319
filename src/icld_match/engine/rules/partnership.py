"""Municipal partnerships: participants placed at a partner host of their municipality
or country (``Host.partners``).

Soft (and hard): each participant at a partner host earns one unit of the
``partnership`` term (raw matrix ``pair_terms["partnership"]`` of the index). Hard: the
index's ``partnership`` mask removes every non-partner host of a participant who has a
partner host, so nothing is added here; when diagnosing, the mask is lifted and each such
participant's rule becomes a named assumption.
"""

from ..model import ModelContext
from ._pair_rule import require_pairs


def apply(ctx: ModelContext) -> None:
    index = ctx.index
    raw = index.pair_terms.get("partnership")
    if raw is None:
        return
    term = ctx.new_term("partnership", "reward", index.problem.weights.partnership)
    for (p, s), var in ctx.x.items():
        term.add(float(raw[p, ctx.slots[s].host]), var)
    if index.problem.rules.partnership == "hard":
        partnered = raw > 0
        require_pairs(ctx, "partnership", partnered | ~partnered.any(axis=1, keepdims=True))
