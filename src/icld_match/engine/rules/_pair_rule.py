"""Shared by the switchable pair rules (partnership, revisit): a participant may use only
the hosts a records-derived matrix allows, one named rule instance per participant."""

import numpy as np
import numpy.typing as npt

from ..model import ModelContext


def require_pairs(ctx: ModelContext, rule: str, allowed: npt.NDArray[np.bool_]) -> None:
    """Forbid every slot at a host ``allowed`` closes to its participant.

    The index's mask of the same name normally leaves no such variable, so this adds
    nothing; when the mask is lifted (diagnosis, ``skip_rules``) it makes the rule a named
    assumption per participant.
    """
    problem = ctx.index.problem
    for p, slots in enumerate(ctx.of_participant):
        elsewhere = [ctx.x[p, s] for s in slots if not allowed[p, ctx.slots[s].host]]
        if elsewhere:
            pid = problem.participants[p].id
            ctx.require(sum(elsewhere) == 0, rule, pid, (pid,))
