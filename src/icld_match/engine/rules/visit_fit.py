"""Soft reward: each study visit's fit with its host's group-visit themes.

Added only when the problem has study visits, so that other problems report exactly the
terms they always did. (A visit's travel cost joins the ``travel`` term: see
:mod:`.travel`.)
"""

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    if not ctx.visit_vars:
        return
    fit = ctx.index.visits.fit
    term = ctx.new_term("visit_fit", "reward", ctx.index.problem.weights.visit_fit)
    for k, options in enumerate(ctx.visit_vars):
        for option, var in options:
            term.add(float(fit[k, option.host]), var)
