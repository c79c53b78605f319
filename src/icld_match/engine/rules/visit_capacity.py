"""Hard: a host receives a cohort's whole group only if its group capacity holds it.

Options closed by this rule get no variable at all; when diagnosing they do, and are
forbidden here by a named rule instance (host and cohort) so that a core can name it.
"""

from ..model import ModelContext


def apply(ctx: ModelContext) -> None:
    problem = ctx.index.problem
    for k, (c, _) in enumerate(ctx.index.visits.keys):
        cohort_id = problem.cohorts[c].id
        for option, var in ctx.visit_vars[k]:
            if "visit_capacity" in option.closed_by:
                host_id = problem.hosts[option.host].id
                label = f"{host_id} for {cohort_id}"
                ctx.require(var == 0, "visit_capacity", label, (host_id, cohort_id))
