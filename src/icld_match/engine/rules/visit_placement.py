"""Hard: each study visit a cohort needs gets exactly one host and day."""

from ortools.sat.python import cp_model

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    cohorts = ctx.index.problem.cohorts
    for k, (c, visit_id) in enumerate(ctx.index.visits.keys):
        cohort_id = cohorts[c].id
        chosen = cp_model.LinearExpr.sum([var for _, var in ctx.visit_vars[k]])
        label = f"{visit_id} of {cohort_id}"
        ctx.require(chosen == 1, "visit_placement", label, (cohort_id, visit_id))
