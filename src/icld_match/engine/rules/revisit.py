"""Rotation: an organisation is not sent back to a host it visited in an earlier season.

Soft: each participant at a host their organisation visited (``Problem.history``) costs
one unit of the ``revisit`` term. Hard: the index's ``revisit`` mask removes those hosts;
when diagnosing, the mask is lifted and each participant's rule is a named assumption.
"""

from ...index.problem_index import visited_matrix
from ..model import ModelContext
from ._pair_rule import require_pairs


def apply(ctx: ModelContext) -> None:
    index = ctx.index
    raw = index.pair_terms.get("revisit")
    if raw is not None:
        term = ctx.new_term("revisit", "penalty", index.problem.weights.revisit)
        for (p, s), var in ctx.x.items():
            term.add(float(raw[p, ctx.slots[s].host]), var)
    if index.problem.rules.revisit == "hard" and index.problem.history:
        require_pairs(ctx, "revisit", ~visited_matrix(index.problem))
